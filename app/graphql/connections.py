"""Relay connections, declared in one line: ``connection_field`` gives a list field its page
arguments (``first after last before`` and, if the domain has them, ``filter orderBy search``),
checks them, fetches a keyset page and counts only when ``totalCount`` is asked for.

A root list pages its repository's collection; a nested list (a customer's orders) pages the
children of every parent on the page at once, through per-request DataLoaders, so a page of 50
customers with their orders costs the same database commands as a page of 5.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar, cast

import strawberry
from bson import ObjectId
from strawberry.extensions import FieldExtension
from strawberry.types import Info as StrawberryInfo

from app.core.db import Document
from app.core.paging import (
    InvalidCursor,
    InvalidPage,
    PageRequest,
    SortSpec,
    and_filters,
    encode_cursor,
)
from app.core.repository import PageResult, Repository
from app.graphql.context import Context
from app.graphql.cost import measured
from app.graphql.errors import client_error
from app.graphql.inputs import with_search
from app.graphql.permissions import allow
from app.graphql.relay import node_of

T = TypeVar("T")


@strawberry.type(description="Where a page sits in its list (Relay).")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    first: strawberry.Private[Document | None]
    last: strawberry.Private[Document | None]
    sort: strawberry.Private[SortSpec]

    # Cursors are encoded only when asked for.
    @strawberry.field
    def start_cursor(self) -> str | None:
        return None if self.first is None else encode_cursor(self.first, self.sort)

    @strawberry.field
    def end_cursor(self) -> str | None:
        return None if self.last is None else encode_cursor(self.last, self.sort)


@strawberry.type(description="One node of a page and the cursor that points at it.")
class Edge(Generic[T]):
    cursor: str
    node: T


class _LazyEdge[N]:
    """What an ``Edge`` resolves from (its fields are read as attributes): the cursor is
    encoded only when a client asks for it, without a resolver call per edge."""

    __slots__ = ("_document", "_sort", "node")

    def __init__(self, node: N, document: Document, sort: SortSpec) -> None:
        self.node = node
        self._document = document
        self._sort = sort

    @property
    def cursor(self) -> str:
        return encode_cursor(self._document, self._sort)


@strawberry.type(description="A page of a list, with the list's total size.")
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="How many nodes the whole list holds, across all pages.")
    async def total_count(self) -> int:
        total = await self.count()
        measured().counted(total)
        return total


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
    result: PageResult, to_node: Callable[[Document], T], count: Callable[[], Awaitable[int]]
) -> Connection[T]:
    """Wrap a page of documents; ``count`` runs only if totalCount is asked for."""
    documents, sort = result.documents, result.sort
    return Connection(
        edges=cast(list[Edge[T]], [_LazyEdge(to_node(doc), doc, sort) for doc in documents]),
        page_info=PageInfo(
            has_next_page=result.has_next,
            has_previous_page=result.has_previous,
            first=documents[0] if documents else None,
            last=documents[-1] if documents else None,
            sort=sort,
        ),
        count=count,
    )


def sort_spec(order_by: list[Any] | None, default: SortSpec) -> list[tuple[str, int]]:
    """Translate ``[<Type>OrderBy!]`` (enum values are Mongo field paths) to a sort spec."""
    if not order_by:
        return list(default)
    return [(item.field.value, item.direction.value) for item in order_by]


class Source(Protocol):
    """Where a root list's pages come from (a repository, or a domain's own source)."""

    async def page(
        self, query: dict[str, Any], sort: SortSpec, request: PageRequest
    ) -> PageResult: ...

    async def count(self, query: dict[str, Any]) -> int: ...


@dataclass(frozen=True)
class ListArguments:
    """A list field's arguments, checked, as the resolver got them."""

    request: PageRequest
    filter: Any
    order_by: list[Any] | None
    search: str | None


def _nested_pages(
    context: Context,
    repository: Repository,
    parent_field: str,
    query: dict[str, Any],
    sort: list[tuple[str, int]],
    request: PageRequest,
) -> tuple[Any, Any]:
    """The request's loaders of pages and counts of children, shared by every parent asking
    with the same arguments."""
    signature: Hashable = (
        type(repository).__name__,
        parent_field,
        repr(query),
        tuple(sort),
        request,
    )

    async def load_pages(keys: list[ObjectId]) -> list[PageResult]:
        pages = await repository.pages_by(parent_field, keys, query, sort, request)
        return [pages[key] for key in keys]

    async def load_counts(keys: list[ObjectId]) -> list[int]:
        counts = await repository.counts_by(parent_field, keys, query)
        return [counts.get(key, 0) for key in keys]

    return (
        context.loader(("pages", signature), load_pages),
        context.loader(("counts", signature), load_counts),
    )


def connection_field(
    node: Any,
    repository: type[Repository],
    *,
    to_node: Callable[[Document], Any] | str | None = None,
    filter: Any = None,
    order_by: Any = None,
    search: bool = False,
    base_query: dict[str, Any] | None = None,
    parent: str | None = None,
    source: Callable[[StrawberryInfo[Context, None], ListArguments], Source | None] | None = None,
    check: Callable[[StrawberryInfo[Context, None], ListArguments], Awaitable[None]] | None = None,
    scope: Callable[[StrawberryInfo[Context, None]], Awaitable[dict[str, Any]]] | None = None,
    roles: frozenset[Any] | None = None,
    description: str | None = None,
) -> Any:
    """A connection field of ``node`` (a type, or a lazy annotation) over ``repository``.

    ``to_node`` turns a document into the node: a function, or a node type's name (for
    types of another domain, looked up in the node registry); by default the node type's
    ``from_document``. ``parent`` makes a nested list:
    the children's field holding the parent's ``object_id``. Without ``orderBy``, the list
    comes in the repository's ``list_order``. ``source`` may hand a root list
    to another source for some arguments (a segment's customers); ``check`` may refuse some
    arguments for some callers; ``scope`` gives a filter ANDed into every query whatever the
    arguments say (a customer's own records). ``roles`` declares who may call a root field.
    """
    convert = (
        node.from_document
        if to_node is None
        else node_of(to_node)
        if isinstance(to_node, str)
        else to_node
    )
    fixed = base_query or {}
    # No filter given means the filter's defaults (archived customers stay out, say); a
    # filter named lazily (another domain's) has none worth applying.
    default_filter = filter() if isinstance(filter, type) else None

    async def resolve(root: Any, info: StrawberryInfo[Context, None], **arguments: Any) -> Any:
        given = ListArguments(
            request=page_request(
                arguments.get("first"),
                arguments.get("after"),
                arguments.get("last"),
                arguments.get("before"),
            ),
            filter=arguments.get("filter"),
            order_by=arguments.get("order_by"),
            search=arguments.get("search"),
        )
        if check is not None:
            await check(info, given)
        chosen_filter = given.filter if given.filter is not None else default_filter
        query = chosen_filter.to_query() if chosen_filter is not None else {}
        if fixed:
            query = {**fixed, **query}
        query = with_search(query, given.search)
        if scope is not None:
            query = and_filters(await scope(info), query)
        sort = sort_spec(given.order_by, repository.list_order)
        context = info.context
        if parent is not None:
            pages, counts = _nested_pages(
                context, context.get(repository), parent, query, sort, given.request
            )
            result = await fetch_page(lambda: pages.load(root.object_id))
            return connection(result, convert, lambda: counts.load(root.object_id))
        chosen: Source = (source(info, given) if source else None) or context.get(repository)
        result = await fetch_page(lambda: chosen.page(query, sort, given.request))
        return connection(result, convert, lambda: chosen.count(query))

    parameters = [
        inspect.Parameter("root", inspect.Parameter.POSITIONAL_OR_KEYWORD),
        inspect.Parameter(
            "info", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=StrawberryInfo
        ),
    ]
    optional = [("first", int), ("after", str), ("last", int), ("before", str)]
    if filter is not None:
        optional.append(("filter", filter))
    if order_by is not None:
        optional.append(("order_by", list[order_by]))
    if search:
        optional.append(("search", str))
    parameters += [
        inspect.Parameter(
            name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=kind | None
        )
        for name, kind in optional
    ]
    returns = Connection[node]
    resolve.__signature__ = inspect.Signature(parameters, return_annotation=returns)  # type: ignore[attr-defined]
    resolve.__annotations__ = {
        **{p.name: p.annotation for p in parameters if p.annotation is not p.empty},
        "return": returns,
    }
    extensions: list[FieldExtension] = [allow(roles)] if roles is not None else []
    return strawberry.field(resolver=resolve, description=description, extensions=extensions)


async def load_by_id(
    context: Context, repository_class: type[Repository], object_id: ObjectId
) -> Document | None:
    """One document by ``_id`` through the request's batching loader for its collection."""

    async def load(keys: list[ObjectId]) -> list[Document | None]:
        return await context.get(repository_class).get_many(keys)

    loader = context.loader(("byId", repository_class), load)
    document: Document | None = await loader.load(object_id)
    return document
