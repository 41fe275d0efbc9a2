"""Inputs every domain uses: sort direction, typed filters, and their Mongo translation."""

from __future__ import annotations

import re
import types
from datetime import UTC, datetime
from enum import Enum
from typing import Any, ClassVar, Generic, TypeVar, cast

import strawberry
from graphql import GraphQLError

from app.graphql.errors import client_error

MAX_FILTER_VALUES = 100
MAX_FILTER_STRING = 200
MAX_SEARCH_WORDS = 20
WORD = re.compile(r"\w+")


@strawberry.enum(description="Sort order of a list.")
class SortDirection(Enum):
    ASC = 1
    DESC = -1


# A module-level type variable: strawberry resolves the postponed annotation ``F`` here.
F = TypeVar("F", bound=Enum)


@strawberry.input
class OrderBy(Generic[F]):
    """A sort key of a list, and its direction (made by :func:`sort_order`)."""

    fields: ClassVar[type[Enum]]  # what ``field`` takes
    field: F
    direction: SortDirection = SortDirection.ASC


def sort_order(type_name: str, listed: str, **fields: str) -> type[OrderBy[Any]]:
    """The ``<type_name>OrderBy`` input and its ``<type_name>OrderField`` enum.

    ``fields`` maps each enum name to the Mongo field path it sorts by; ``listed`` names the
    things in the enum's description ("Fields customers can be sorted by.").
    """
    field_enum = strawberry.enum(
        cast(type[Enum], Enum(f"{type_name}OrderField", fields)),
        description=f"Fields {listed} can be sorted by.",
    )
    base = OrderBy[field_enum]  # type: ignore[valid-type]
    order_by = cast(type[OrderBy[Any]], types.new_class(f"{type_name}OrderBy", (base,)))
    order_by.fields = field_enum
    return strawberry.input(order_by)


def filter_error(message: str) -> GraphQLError:
    return client_error(message, "INVALID_FILTER")


def check_list(name: str, values: list[Any] | None) -> None:
    if values is not None and len(values) > MAX_FILTER_VALUES:
        raise filter_error(f"{name} takes at most {MAX_FILTER_VALUES} values.")


def check_string(name: str, value: str | None) -> None:
    if value is not None and len(value) > MAX_FILTER_STRING:
        raise filter_error(f"{name} is longer than {MAX_FILTER_STRING} characters.")


@strawberry.input(description="Match a string field; all given conditions must hold.")
class StringFilter:
    eq: str | None = None
    in_: list[str] | None = strawberry.field(default=None, name="in")
    starts_with: str | None = None
    contains: str | None = strawberry.field(
        default=None, description="Case-insensitive substring match."
    )

    def conditions(self, name: str) -> list[dict[str, Any]]:
        """One Mongo condition per given operator (two regexes cannot share one clause)."""
        check_list(f"{name}.in", self.in_)
        for key in ("eq", "starts_with", "contains"):
            check_string(f"{name}.{key}", getattr(self, key))
        conditions: list[dict[str, Any]] = []
        if self.eq is not None:
            conditions.append({"$eq": self.eq})
        if self.in_ is not None:
            conditions.append({"$in": list(self.in_)})
        if self.starts_with is not None:
            conditions.append({"$regex": "^" + re.escape(self.starts_with)})
        if self.contains is not None:
            conditions.append({"$regex": re.escape(self.contains), "$options": "i"})
        return conditions


@strawberry.input(description="A time range: `gte` inclusive, `lt` exclusive.")
class DateTimeFilter:
    gte: datetime | None = None
    lt: datetime | None = None

    def to_mongo(self) -> dict[str, Any]:
        condition: dict[str, Any] = {}
        if self.gte is not None:
            condition["$gte"] = as_utc(self.gte)
        if self.lt is not None:
            condition["$lt"] = as_utc(self.lt)
        return condition


@strawberry.input(description="Match tags: `any` needs one of them, `all` needs every one.")
class TagFilter:
    any: list[str] | None = None
    all: list[str] | None = None

    def clauses(self, array: str, element: str | None, name: str) -> list[dict[str, Any]]:
        """Conditions on the array ``array`` (of strings, or of documents whose ``element``
        holds the tag), as ``$elemMatch`` and ``$all``: MongoDB answers both from the multikey
        index, and the embedded store has a fast path for them, unlike an ``$in`` on the array
        combined with a sort (which it answers in time O(documents x index entries))."""
        check_list(f"{name}.any", self.any)
        check_list(f"{name}.all", self.all)
        clauses: list[dict[str, Any]] = []
        if self.any is not None:
            match: dict[str, Any] = (
                {"$eq": self.any[0]} if len(self.any) == 1 else {"$in": list(self.any)}
            )
            clauses.append({array: {"$elemMatch": match if element is None else {element: match}}})
        if self.all is not None:
            path = array if element is None else f"{array}.{element}"
            clauses.append({path: {"$all": list(self.all)}})
        return clauses


def as_utc(value: datetime) -> datetime:
    """Treat a time without an offset as UTC; MongoDB stores UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class QueryBuilder:
    """Collects translated filter clauses into one Mongo filter (``$and`` of the parts)."""

    def __init__(self) -> None:
        self.clauses: list[dict[str, Any]] = []

    def add(self, field: str, condition: Any) -> None:
        if condition != {}:
            self.clauses.append({field: condition})

    def string(self, field: str, value: StringFilter | None, name: str) -> None:
        if value is not None:
            for condition in value.conditions(name):
                self.add(field, condition)

    def times(self, field: str, value: DateTimeFilter | None) -> None:
        if value is not None:
            self.add(field, value.to_mongo())

    def one_of(self, field: str, values: list[Any] | None, name: str) -> None:
        if values is not None:
            check_list(name, values)
            self.add(field, {"$in": [getattr(v, "value", v) for v in values]})

    def tags(self, array: str, element: str | None, value: TagFilter | None, name: str) -> None:
        if value is not None:
            self.clauses += value.clauses(array, element, name)

    def build(self) -> dict[str, Any]:
        if not self.clauses:
            return {}
        return self.clauses[0] if len(self.clauses) == 1 else {"$and": self.clauses}


def with_search(query: dict[str, Any], search: str | None) -> dict[str, Any]:
    """Match any of the words of ``search`` through the collection's text index.

    Only the words are kept: MongoDB's phrase and negation syntax stays out of client input, and
    a search with no words at all matches nothing instead of failing.
    """
    if search is None or not search.strip():
        return query
    check_string("search", search)
    words = WORD.findall(search)
    if len(words) > MAX_SEARCH_WORDS:
        raise filter_error(f"search takes at most {MAX_SEARCH_WORDS} words.")
    if not words:
        return {**query, "_id": {"$exists": False}}
    return {**query, "$text": {"$search": " ".join(words)}}
