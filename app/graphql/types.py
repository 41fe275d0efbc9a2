"""Output types every domain uses: money, and the userErrors of mutations; ``copied``, the
fields a type takes from its document as they are."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from typing import Any

import strawberry

from app.core.db import Document
from app.core.errors import ErrorCode, FieldError, InputError
from app.core.money import from_minor


@strawberry.type(description="An amount of money: a decimal string plus an ISO 4217 code.")
class Money:
    amount: Decimal
    currency: str

    @classmethod
    def of(cls, minor: int, currency: str) -> Money:
        return cls(amount=from_minor(minor, currency), currency=currency)


@strawberry.type(description="A problem with a mutation's input; nothing was written.")
class UserError:
    field: str | None = strawberry.field(
        description="Path of the offending input, such as `items.1.quantity`."
    )
    code: strawberry.enum(ErrorCode, description="Stable error code.")  # type: ignore[valid-type]
    message: str

    @classmethod
    def from_input_error(cls, error: InputError) -> list[UserError]:
        return [cls.of(e) for e in error.errors]

    @classmethod
    def of(cls, error: FieldError) -> UserError:
        return cls(field=error.field, code=error.code, message=error.message)


@cache
def document_key(field: str) -> str:
    """A type's field name as its document spells the key: ``created_at`` is ``createdAt``."""
    first, *rest = field.split("_")
    return first + "".join(word.capitalize() for word in rest)


def copied(doc: Document, *fields: str, optional: tuple[str, ...] = ()) -> dict[str, Any]:
    """The values of ``fields`` as the document holds them (each must be there), and of the
    ``optional`` ones (None when missing), keyed by field name."""
    values = {field: doc[document_key(field)] for field in fields}
    values.update({field: doc.get(document_key(field)) for field in optional})
    return values
