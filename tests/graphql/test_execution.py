"""The executor's short way through plain leaves answers exactly as graphql-core's own path."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from enum import Enum
from typing import Any, ClassVar, NewType

import pytest
import strawberry
from strawberry.extensions import SchemaExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from app.graphql.execution import Executor, plain_leaves


@strawberry.enum
class Colour(Enum):
    RED = "red"
    BLUE = "blue"


# A scalar whose serializer has nothing to say for some values ("?").
Code = NewType("Code", str)
CODE = strawberry.scalar(
    name="Code", serialize=lambda value: None if value == "?" else value, parse_value=str
)
CONFIG = StrawberryConfig(scalar_map={Code: CODE})


@strawberry.type
class Item:
    name: str
    note: str | None
    colour: Colour
    at: datetime
    tags: list[str]
    code: Code = Code("A1")

    @strawberry.field
    def shout(self) -> str:
        return self.name.upper()


AT = datetime(2026, 1, 2, tzinfo=UTC)
ITEMS: dict[str, Any] = {
    "good": Item(name="lamp", note=None, colour=Colour.RED, at=AT, tags=["a"]),
    # What a bad document could hold: no value for a required field, a value of no enum.
    "null": Item(name=None, note="x", colour=Colour.BLUE, at=AT, tags=[]),  # type: ignore[arg-type]
    "bad_enum": Item(name="lamp", note=None, colour="green", at=AT, tags=[]),  # type: ignore[arg-type]
    "bad_code": Item(name="lamp", note=None, colour=Colour.RED, at=AT, tags=[], code=Code("?")),
}


@strawberry.type
class Query:
    @strawberry.field
    def items(self, which: list[str]) -> list[Item | None]:
        return [ITEMS[name] for name in which]


QUERY = "query($which: [String!]!) { items(which: $which) { name note colour at tags code shout } }"


def run(executor: type[Any], which: list[str], extensions: list[Any] | None = None) -> Any:
    schema = strawberry.Schema(
        query=Query, execution_context_class=executor, extensions=extensions or [], config=CONFIG
    )
    result = schema.execute_sync(QUERY, variable_values={"which": which})
    return result.data, [(e.message, e.path) for e in result.errors or []]


def test_plain_leaves_are_the_attribute_read_fields_of_scalar_or_enum_type() -> None:
    schema = strawberry.Schema(query=Query, config=CONFIG)
    assert set(plain_leaves(schema._schema)["Item"]) == {"name", "note", "colour", "at", "code"}


NON_NULL = "to return non-nullable value, returned: None"
GOOD = {
    "name": "lamp",
    "note": None,
    "colour": "RED",
    "at": "2026-01-02T00:00:00+00:00",
    "tags": ["a"],
    "code": "A1",
    "shout": "LAMP",
}


@pytest.mark.parametrize(
    ("which", "data", "errors"),
    [
        (["good"], [GOOD], []),
        (["null"], [None], [("Cannot return null for non-nullable field Item.name.", 0, "name")]),
        (["bad_enum"], [None], [("Enum 'Colour' cannot represent value: 'green'", 0, "colour")]),
        (
            ["bad_code"],
            [None],
            [(f"Expected `Code.coerce_output_value('?')` {NON_NULL}", 0, "code")],
        ),
        (
            ["good", "null", "good"],
            [GOOD, None, GOOD],
            [("Cannot return null for non-nullable field Item.name.", 1, "name")],
        ),
    ],
)
def test_answers_and_errors_are_graphql_cores(
    which: list[str], data: list[Any], errors: list[tuple[str, int, str]]
) -> None:
    ours = run(Executor, which)
    assert ours == run(StrawberryGraphQLCoreExecutionContext, which)
    assert ours == ({"items": data}, [(m, ["items", i, f]) for m, i, f in errors])


class SeesEveryField(SchemaExtension):
    seen: ClassVar[list[str]] = []

    def resolve(
        self, _next: Callable[..., Any], root: Any, info: Any, *args: Any, **kwargs: Any
    ) -> Any:
        SeesEveryField.seen.append(info.field_name)
        return _next(root, info, *args, **kwargs)


def test_an_extension_that_wraps_resolvers_still_sees_every_leaf() -> None:
    SeesEveryField.seen = []
    run(Executor, ["good"], extensions=[SeesEveryField])
    assert SeesEveryField.seen.count("name") == 1
    assert {"note", "colour", "at", "tags", "shout"} <= set(SeesEveryField.seen)
