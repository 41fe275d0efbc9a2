"""Mutation payloads, ``{ <object> userErrors }``, declared in one line each:

@payload("product", Product)
class CreateProductPayload: ...
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry

from app.core.errors import InputError
from app.graphql.types import UserError


def payload[T](
    field: str, node: Any, description: str | None = None
) -> Callable[[type[T]], type[T]]:
    """Make the decorated class the payload type ``{ <field>: node  userErrors }``."""

    def make(cls: type[T]) -> type[T]:
        cls.__annotations__ = {field: node | None, "user_errors": list[UserError]}
        made: type[T] = strawberry.type(cls, description=description)
        return made

    return make


def refused[T](payload_type: type[T], field: str, error: InputError) -> T:
    """The payload of a mutation that wrote nothing: ``<field>: null`` and the input's errors."""
    return payload_type(**{field: None, "user_errors": UserError.from_input_error(error)})
