"""Which customers a ``CustomerFilter`` selects: the list behind ``customers(filter:)`` and a
campaign's audience alike.

``filter.segment`` and ``filter.propensity`` each make the list another collection's members
(a segmentation run's assignments, a propensity model's scores), walked in customer-ID order
and narrowed by the filter's other conditions; the two cannot be combined (a typed
``INVALID_FILTER`` error says so), nor either with ``orderBy``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from bson import ObjectId

from app.core.db import MongoDatabase
from app.core.paging import MAX_PAGE_SIZE, PageRequest, SortSpec, encode_cursor
from app.core.repository import PageResult
from app.customers.graphql.inputs import CustomerFilter
from app.customers.members import MEMBER_ORDER
from app.customers.repository import CustomerRepository
from app.graphql.connections import Source
from app.graphql.inputs import filter_error
from app.propensity.graphql.inputs import PropensityFilter
from app.propensity.service import Audience, PropensityMembers, audience
from app.segmentation.graphql.inputs import segment_members
from app.segmentation.service import SegmentMembers


class PropensitySource:
    """The customers a propensity filter selects under its target's active model (looked up
    once, when the first page is asked for)."""

    def __init__(self, db: MongoDatabase, selection: PropensityFilter) -> None:
        selection.check()
        self.db = db
        self.selection = selection
        self.members = PropensityMembers(db)
        self._audience: Audience | None = None

    async def chosen(self) -> Audience:
        if self._audience is None:
            s = self.selection
            self._audience = await audience(self.db, s.target, s.min_score, s.top_percent)
            if self._audience is None:
                raise filter_error(
                    f"No {s.target.value} propensity model has been trained yet: run "
                    "startPropensityTraining first."
                )
        return self._audience

    async def page(self, query: dict[str, Any], sort: SortSpec, request: PageRequest) -> PageResult:
        return await self.members.page(await self.chosen(), query, request)

    async def count(self, query: dict[str, Any]) -> int:
        return await self.members.count(await self.chosen(), query)


def member_source(
    db: MongoDatabase, filter: CustomerFilter | None, *, ordered: bool = False
) -> Source | None:
    """The source of a filter's segment or propensity members; None when it names neither
    (the customers collection is the list then). ``ordered``: the caller asked for orderBy."""
    if filter is None or (filter.segment is None and filter.propensity is None):
        return None
    if filter.segment is not None and filter.propensity is not None:
        raise filter_error(
            "filter.segment and filter.propensity cannot be combined: choose one list."
        )
    if ordered:
        raise filter_error(
            "orderBy cannot be combined with filter.segment or filter.propensity: their "
            "customers are listed in ID order."
        )
    if filter.segment is not None:
        return SegmentMembers(db).source(segment_members(filter.segment))
    assert filter.propensity is not None
    return PropensitySource(db, filter.propensity)


async def audience_ids(
    db: MongoDatabase, filter: CustomerFilter | None
) -> AsyncIterator[list[ObjectId]]:
    """Every customer ``filter`` selects, as batches of IDs in ascending ID order (at most
    ``MAX_PAGE_SIZE`` a batch; never one huge ``$in``). Exactly the customers that
    ``customers(filter:)`` lists; errors as it raises them (``INVALID_FILTER``)."""
    chosen = filter if filter is not None else CustomerFilter()
    source: Source = member_source(db, chosen) or CustomerRepository(db)
    query = chosen.to_query()
    after: str | None = None
    while True:
        page = await source.page(query, MEMBER_ORDER, PageRequest(first=MAX_PAGE_SIZE, after=after))
        if page.documents:
            yield [doc["_id"] for doc in page.documents]
        if not page.has_next or not page.documents:
            return
        after = encode_cursor(page.documents[-1], MEMBER_ORDER)
