"""Job kinds register themselves: each domain names the handler that runs its kind (in its
``jobs`` module) and the GraphQL type of its results (in its ``graphql.types``), so the job
package itself knows no domain."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.core.db import Document
from app.jobs.context import Handler
from app.jobs.models import JobKind

HANDLERS: dict[JobKind, Handler] = {}
_RESULTS: dict[JobKind, Callable[[Document], Any]] = {}
RESULT_TYPES: list[type[Any]] = []


def handles(kind: JobKind) -> Callable[[Handler], Handler]:
    """Register the decorated coroutine as the handler of ``kind`` jobs."""

    def register(handler: Handler) -> Handler:
        HANDLERS[kind] = handler
        return handler

    return register


def result_of[R](kind: JobKind) -> Callable[[type[R]], type[R]]:
    """Register the decorated GraphQL type (with ``from_document``) as ``kind``'s result."""

    def register(result_type: type[R]) -> type[R]:
        _RESULTS[kind] = result_type.from_document  # type: ignore[attr-defined]
        RESULT_TYPES.append(result_type)
        return result_type

    return register


def result(kind: JobKind, document: Document) -> Any:
    """The GraphQL result of a finished ``kind`` job."""
    return _RESULTS[kind](document)
