"""Errors the client caused, outside ``userErrors`` (bad IDs, cursors, page sizes, filters)."""

from __future__ import annotations

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
