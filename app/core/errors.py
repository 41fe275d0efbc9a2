"""Expected failures a caller can cause, raised by services and shown as ``userErrors``."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class ErrorCode(Enum):
    """Stable codes of ``UserError.code``; clients branch on these, never on message text."""

    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    NOT_FOUND = "NOT_FOUND"
    DUPLICATE = "DUPLICATE"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    TOO_LONG = "TOO_LONG"
    CURRENCY_MISMATCH = "CURRENCY_MISMATCH"
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
    INSUFFICIENT_STOCK = "INSUFFICIENT_STOCK"
    ALREADY_ERASED = "ALREADY_ERASED"
    NOT_CONFIGURED = "NOT_CONFIGURED"


@dataclass(frozen=True)
class FieldError:
    """One problem with the input: ``field`` is its path (``items.1.quantity``) or None."""

    field: str | None
    code: ErrorCode
    message: str


class InputError(Exception):
    """The input cannot be applied; nothing was written."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors

    @classmethod
    def one(cls, field: str | None, code: ErrorCode, message: str) -> InputError:
        return cls([FieldError(field, code, message)])
