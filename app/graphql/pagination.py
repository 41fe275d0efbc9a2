"""Relay connections (``edges``, ``pageInfo``, ``totalCount``) over keyset pages."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

import strawberry
from bson import ObjectId

from app.core.db import Document
from app.core.paging import InvalidCursor, InvalidPage, PageRequest, encode_cursor
from app.core.repository import PageResult, Repository
from app.graphql.context import Context
from app.graphql.errors import client_error

T = TypeVar("T")


@strawberry.type(description="Where a page sits in its list (Relay).")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type(description="One node of a page and the cursor that points at it.")
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type(description="A page of a list, with the list's total size.")
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="How many nodes the whole list holds, across all pages.")
    async def total_count(self) -> int:
        return await self.count()


def page_request(
    first: int | None, after: str | None, last: int | None, before: str | None
) -> PageRequest:
    """Check page arguments; a contradiction is a GraphQL error with code ``INVALID_PAGE``."""
    try:
        return PageRequest(first=first, after=after, last=last, before=before)
    except InvalidPage as error:
        raise client_error(str(error), "INVALID_PAGE") from None


async def fetch_page(fetch: Callable[[], Awaitable[PageResult]]) -> PageResult:
    """Run a page query; a bad cursor becomes a GraphQL error with code ``INVALID_CURSOR``."""
    try:
        return await fetch()
    except InvalidCursor as error:
        raise client_error(str(error), "INVALID_CURSOR") from None


def connection(
    result: PageResult,
    to_node: Callable[[Document], T],
    count: Callable[[], Awaitable[int]],
) -> Connection[T]:
    """Wrap a page of documents as a connection; ``count`` runs only if totalCount is asked."""
    edges = [
        Edge(cursor=encode_cursor(doc, result.sort), node=to_node(doc)) for doc in result.documents
    ]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=result.has_next,
            has_previous_page=result.has_previous,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        count=count,
    )


def sort_spec(order_by: list[Any] | None, default: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Translate ``[<Type>OrderBy!]`` (enum values are Mongo field paths) to a sort spec."""
    if not order_by:
        return default
    return [(item.field.value, item.direction.value) for item in order_by]


async def top_level_connection(
    repository: Repository,
    query: dict[str, Any],
    sort: list[tuple[str, int]],
    request: PageRequest,
    to_node: Callable[[Document], T],
) -> Connection[T]:
    """A root list (``customers(...)``): one page query, plus a count if asked for."""
    result = await fetch_page(lambda: repository.page(query, sort, request))
    return connection(result, to_node, lambda: repository.count(query))


async def nested_connection(
    context: Context,
    repository: Repository,
    parent_field: str,
    parent_id: ObjectId,
    query: dict[str, Any],
    sort: list[tuple[str, int]],
    request: PageRequest,
    to_node: Callable[[Document], T],
) -> Connection[T]:
    """A list under each parent (a customer's orders), batched across parents by DataLoaders.

    Parents asking with the same arguments share one loader, so a page of 50 customers costs
    one query for all their order pages and one for all their counts.
    """
    signature = (type(repository).__name__, parent_field, repr(query), tuple(sort), request)

    async def load_pages(keys: list[ObjectId]) -> list[PageResult]:
        pages = await repository.pages_by(parent_field, keys, query, sort, request)
        return [pages[key] for key in keys]

    async def load_counts(keys: list[ObjectId]) -> list[int]:
        counts = await repository.counts_by(parent_field, keys, query)
        return [counts.get(key, 0) for key in keys]

    pages = context.loader(("pages", *signature), load_pages)
    counts = context.loader(("counts", *signature), load_counts)
    result = await fetch_page(lambda: pages.load(parent_id))
    return connection(result, to_node, lambda: counts.load(parent_id))


async def load_by_id(
    context: Context, repository_class: type[Repository], object_id: ObjectId
) -> Document | None:
    """One document by ``_id`` through the request's batching loader for its collection."""

    async def load(keys: list[ObjectId]) -> list[Document | None]:
        return await context.get(repository_class).get_many(keys)

    loader = context.loader(("byId", repository_class), load)
    return await loader.load(object_id)
