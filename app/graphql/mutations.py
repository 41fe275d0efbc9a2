"""The shape every mutation shares: run the service, turn ``InputError`` into userErrors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from strawberry.types.unset import UNSET

from app.errors import InputError
from app.graphql.common import UserError


async def run_mutation[P](
    payload: Callable[..., P], field: str, action: Callable[[], Awaitable[Any]]
) -> P:
    """``payload(field=result, user_errors=[])``, or ``field=None`` with the input's errors."""
    try:
        result = await action()
    except InputError as error:
        return payload(**{field: None, "user_errors": UserError.from_input_error(error)})
    return payload(**{field: result, "user_errors": []})


def provided(input_object: Any, *names: str) -> dict[str, Any]:
    """The fields of an update input the client actually sent (``null`` included)."""
    return {
        name: getattr(input_object, name)
        for name in names
        if getattr(input_object, name) is not UNSET
    }
