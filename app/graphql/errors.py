"""Errors the client caused, outside ``userErrors`` (bad IDs, cursors, page sizes, filters)."""

from __future__ import annotations

import math
from typing import Any

from graphql import GraphQLError, Node

# Apollo's classification for bad input: generic clients and tools (Schemathesis among them)
# read it to tell a refused request from a server failure. Our own ``code`` says exactly what.
BAD_USER_INPUT = "BAD_USER_INPUT"


def client_error(
    message: str, code: str, *, nodes: list[Node] | None = None, **extensions: Any
) -> GraphQLError:
    return GraphQLError(
        message,
        nodes=nodes,
        extensions={"code": code, "classification": BAD_USER_INPUT, **extensions},
    )


def rate_limited(capacity: int, wait: float) -> GraphQLError:
    """RATE_LIMITED: the caller's bucket of ``capacity`` points a minute refills enough in
    ``wait`` seconds."""
    retry_after = max(1, math.ceil(wait))
    return GraphQLError(
        f"Rate limit reached: {capacity} cost points per minute. Retry in {retry_after} s.",
        extensions={"code": "RATE_LIMITED", "retryAfter": retry_after},
    )
