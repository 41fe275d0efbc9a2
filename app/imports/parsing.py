"""Reading import files: CSV (with a header) or JSON Lines, checked before anything is written."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any

from app.core.errors import ErrorCode, InputError

COLUMNS: dict[str, tuple[str, ...]] = {
    "CUSTOMERS": ("email", "name", "phone", "company", "tags", "lifecycleStage", "createdAt"),
    "PRODUCTS": ("sku", "name", "description", "price", "currency", "active"),
    "ORDERS": (
        "number", "customerEmail", "placedAt", "status", "sku", "quantity", "unitPrice", "currency",
    ),
    "TICKETS": (
        "number", "customerEmail", "orderNumber", "type", "channel", "subject", "body", "status",
        "priority", "createdAt",
    ),
    "CAMPAIGN_EVENTS": ("campaign", "customerEmail", "variant", "event", "at", "revenue"),
}  # fmt: skip
REQUIRED: dict[str, tuple[str, ...]] = {
    "CUSTOMERS": ("email", "name"),
    "PRODUCTS": ("sku", "name", "price", "currency"),
    "ORDERS": ("number", "customerEmail", "sku", "quantity"),
    "TICKETS": ("number", "customerEmail", "type", "channel", "subject", "body"),
    "CAMPAIGN_EVENTS": ("campaign", "customerEmail", "variant", "event", "at"),
}
MAX_ROWS = 1_000_000
Row = dict[str, Any]


class InvalidFile(ValueError):
    """The file as a whole cannot be imported; nothing may be written."""


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidFile("The file is not UTF-8 text.") from None


def _check_columns(entity: str, columns: set[str]) -> None:
    missing = [c for c in REQUIRED[entity] if c not in columns]
    if missing:
        expected = ",".join(COLUMNS[entity])
        raise InvalidFile(
            f"Missing required column(s) {', '.join(missing)}; {entity} files have {expected}."
        )


def _check_header(entity: str, header: Sequence[str]) -> None:
    """The header's columns, or what is wrong with the header as written."""
    columns = {h.strip() for h in header if h}
    if len(header) == 1:
        for delimiter, name in ((";", "';'"), ("\t", "tabs"), ("|", "'|'")):
            if delimiter in header[0]:
                raise InvalidFile(
                    f"The header {header[0]!r} is separated by {name}, not commas: export the "
                    "file as comma-separated CSV (or as JSON Lines)."
                )
    _check_columns(entity, columns)


def read_rows(data: bytes, file_format: str, entity: str) -> list[tuple[int, Row]]:
    """(row number, values) for every data row; ``InvalidFile`` if the file is unusable."""
    text = _text(data)
    if "\x00" in text:
        raise InvalidFile("The file is binary, not CSV or JSON Lines.")
    rows: list[tuple[int, Row]] = []
    if file_format == "CSV":
        # strict: a quote never closed is an error at the end of the file, not a field that
        # silently swallows every row after it.
        reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
        start = 2
        try:
            header = reader.fieldnames
            if not header:
                raise InvalidFile("The CSV file has no header row.")
            _check_header(entity, header)
            for row in reader:
                values = {
                    (k or "").strip(): (v.strip() if isinstance(v, str) else v)
                    for k, v in row.items()
                }
                rows.append((start, values))
                start = reader.line_num + 1
        except csv.Error as error:
            if "unexpected end of data" in str(error):
                raise InvalidFile(
                    f"line {start}: a quoted field opens there and is never closed; close the "
                    'quote, or write a quote inside a field as two ("").'
                ) from None
            raise InvalidFile(f"Not valid CSV (line {start}): {error}") from None
    else:
        for line_number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError:
                if not rows:
                    raise InvalidFile(
                        "The file is not JSON Lines (one JSON object per line)."
                    ) from None
                value = None
            if not isinstance(value, dict):
                if not rows:
                    raise InvalidFile("The file is not JSON Lines (one JSON object per line).")
                rows.append((line_number, {"__invalid__": True}))
                continue
            if not rows:
                _check_columns(entity, set(value))
            rows.append(
                (
                    line_number,
                    {k: (v.strip() if isinstance(v, str) else v) for k, v in value.items()},
                )
            )
    if len(rows) > MAX_ROWS:
        raise InvalidFile(f"At most {MAX_ROWS:,} rows per file.")
    return rows


def present(row: Row, column: str) -> bool:
    value = row.get(column)
    return value is not None and value != ""


def as_text(row: Row, column: str) -> str | None:
    value = row.get(column)
    if value is None or value == "":
        return None
    return str(value)


def as_datetime(row: Row, column: str) -> datetime | None:
    text = as_text(row, column)
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InputError.one(
            column, ErrorCode.INVALID, f"{text!r} is not an ISO 8601 date."
        ) from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def as_decimal(row: Row, column: str) -> Decimal | None:
    text = as_text(row, column)
    if text is None:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise InputError.one(column, ErrorCode.INVALID, f"{text!r} is not a number.") from None
    if not value.is_finite():
        raise InputError.one(column, ErrorCode.INVALID, f"{text!r} is not a number.")
    return value


def as_int(row: Row, column: str) -> int | None:
    text = as_text(row, column)
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        raise InputError.one(
            column, ErrorCode.INVALID, f"{text!r} is not a whole number."
        ) from None


def as_bool(row: Row, column: str) -> bool | None:
    text = as_text(row, column)
    if text is None:
        return None
    lowered = text.lower()
    if lowered in ("true", "1", "yes", "y"):
        return True
    if lowered in ("false", "0", "no", "n"):
        return False
    raise InputError.one(column, ErrorCode.INVALID, f"{text!r} is not true or false.")


def as_enum[E: Enum](row: Row, column: str, enum: type[E]) -> E | None:
    text = as_text(row, column)
    if text is None:
        return None
    try:
        return enum(text.upper())
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        raise InputError.one(
            column, ErrorCode.INVALID, f"{text!r} is not one of {allowed}."
        ) from None
