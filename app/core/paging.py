"""Keyset pagination: opaque cursors over (sort key..., _id), never skip/offset.

A cursor holds the sort-key values of one document plus a fingerprint of the sort order, so a
cursor taken under one ``orderBy`` is refused under another instead of silently skipping rows.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bson import ObjectId
from bson.errors import InvalidId

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20

SortSpec = Sequence[tuple[str, int]]


class InvalidCursor(ValueError):
    """The cursor was not issued by this API for this sort order."""


class InvalidPage(ValueError):
    """The page arguments contradict each other or are out of range."""


@dataclass(frozen=True)
class PageRequest:
    """Relay page arguments, checked: ``first``/``after`` walk forward, ``last``/``before`` back."""

    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None

    def __post_init__(self) -> None:
        if self.first is not None and self.last is not None:
            raise InvalidPage("Pass either first or last, not both.")
        for name in ("first", "last"):
            value = getattr(self, name)
            if value is not None and not 0 <= value <= MAX_PAGE_SIZE:
                raise InvalidPage(f"{name} must be between 0 and {MAX_PAGE_SIZE}.")

    @property
    def forward(self) -> bool:
        # Relay: ``first`` counts from the start of the range, ``last`` from its end; with
        # neither, ``before`` alone asks for the items just before the cursor.
        return self.last is None and not (self.before is not None and self.first is None)

    @property
    def size(self) -> int:
        size = self.first if self.forward else self.last
        return DEFAULT_PAGE_SIZE if size is None else size


def with_id(sort: SortSpec) -> list[tuple[str, int]]:
    """Make the order total by ending it with ``_id`` in the direction of the last key."""
    keys = [(field, direction) for field, direction in sort if field != "_id"]
    return [*keys, ("_id", keys[-1][1] if keys else 1)]


def reverse(sort: SortSpec) -> list[tuple[str, int]]:
    return [(field, -direction) for field, direction in sort]


def _fingerprint(sort: SortSpec) -> str:
    return _fingerprint_of(tuple(sort))


@functools.lru_cache(maxsize=256)
def _fingerprint_of(sort: tuple[tuple[str, int], ...]) -> str:
    text = ",".join(f"{field}:{direction}" for field, direction in sort)
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def _value_at(document: dict[str, Any], path: str) -> Any:
    value: Any = document
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"d": value.isoformat()}
    if isinstance(value, ObjectId):
        return {"o": str(value)}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot put {type(value).__name__} in a cursor")


def _decode_value(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"d"} and isinstance(value["d"], str):
            return datetime.fromisoformat(value["d"])
        if set(value) == {"o"} and isinstance(value["o"], str):
            return ObjectId(value["o"])
        raise ValueError("unknown cursor value")
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise ValueError("unknown cursor value")


def encode_cursor(document: dict[str, Any], sort: SortSpec) -> str:
    payload = {
        "s": _fingerprint(sort),
        "v": [_encode_value(_value_at(document, field)) for field, _ in sort],
    }
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, sort: SortSpec) -> list[Any]:
    """The sort-key values in ``cursor``; ``InvalidCursor`` if tampered or of another order."""
    try:
        if len(cursor) > 2000:
            raise ValueError("too long")
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        payload = json.loads(raw)
        if not isinstance(payload, dict) or payload.get("s") != _fingerprint(sort):
            raise ValueError("other sort order")
        values = payload["v"]
        if not isinstance(values, list) or len(values) != len(sort):
            raise ValueError("wrong length")
        return [_decode_value(value) for value in values]
    except (binascii.Error, UnicodeDecodeError, ValueError, KeyError, InvalidId) as error:
        raise InvalidCursor(
            "The cursor is not valid for this list and order; restart from the first page."
        ) from error


def keyset_filter(
    sort: SortSpec, values: Sequence[Any], *, after: bool, inclusive: bool = False
) -> dict[str, Any]:
    """Documents after (or before) the position ``values`` in ``sort`` order.

    Strictly, unless ``inclusive``: then the document at the position itself matches too.
    """
    branches: list[dict[str, Any]] = []
    for index, (field, direction) in enumerate(sort):
        operator = "$gt" if (direction == 1) == after else "$lt"
        if inclusive and index == len(sort) - 1:
            operator += "e"
        branch = {sort[i][0]: values[i] for i in range(index)}
        branch[field] = {operator: values[index]}
        branches.append(branch)
    return branches[0] if len(branches) == 1 else {"$or": branches}


def and_filters(*filters: dict[str, Any]) -> dict[str, Any]:
    """Combine filters; a ``$text`` clause stays at the top level, as MongoDB requires."""
    parts = [f for f in filters if f]
    text = next((f["$text"] for f in parts if "$text" in f), None)
    rest = [{k: v for k, v in f.items() if k != "$text"} for f in parts]
    rest = [f for f in rest if f]
    combined: dict[str, Any] = {}
    if len(rest) == 1:
        combined = dict(rest[0])
    elif rest:
        combined = {"$and": rest}
    if text is not None:
        combined["$text"] = text
    return combined
