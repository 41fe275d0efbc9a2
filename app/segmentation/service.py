"""A segment's customers: paged through the assignments, joined to customers a batch at a time.

A segment can hold most of the customer base, so its members are never turned into one ``_id``
list (100k IDs would pass MongoDB's 16 MB command limit, and a few hundred already pass the
embedded store's): pages walk the run's assignments in customer-ID order and fetch the matching
customers ``MAX_IN_VALUES`` IDs at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bson import ObjectId

from app.core.batches import MAX_IN_VALUES
from app.core.db import Document, MongoDatabase
from app.core.paging import PageRequest, SortSpec, and_filters, decode_cursor
from app.core.repository import PageResult
from app.customers.repository import CustomerRepository
from app.segmentation.repository import AssignmentRepository

MEMBER_ORDER = [("_id", 1)]


@dataclass(frozen=True)
class Members:
    """Which members: a run, optionally narrowed to segment keys and RFM groups."""

    run_id: ObjectId
    keys: list[str] | None
    groups: list[str] | None


class SegmentMembers:
    batch = MAX_IN_VALUES  # member IDs joined per query

    def __init__(self, db: MongoDatabase) -> None:
        self.assignments = AssignmentRepository(db)
        self.customers = CustomerRepository(db)

    async def _batches(self, members: Members, after: ObjectId | None, forward: bool) -> Any:
        """Batches of member IDs from ``after`` on, in ID order (reversed when backward)."""
        while True:
            ids = await self.assignments.member_ids(
                members.run_id,
                members.keys,
                members.groups,
                after=after,
                forward=forward,
                limit=self.batch,
            )
            if not ids:
                return
            yield ids
            if len(ids) < self.batch:
                return
            after = ids[-1]

    async def page(
        self, members: Members, query: dict[str, Any], request: PageRequest
    ) -> PageResult:
        """One page of the members matching ``query``, in customer-ID order. hasPreviousPage
        (hasNextPage when paging back) is true whenever a cursor was given, as Relay allows."""
        forward = request.forward
        cursor = request.after if forward else request.before
        after = decode_cursor(cursor, MEMBER_ORDER)[0] if cursor is not None else None
        found: list[Document] = []
        async for ids in self._batches(members, after, forward):
            documents = await self.customers.matching_ids(query, ids)
            documents.sort(key=lambda doc: doc["_id"], reverse=not forward)
            found += documents
            if len(found) > request.size:
                break
        more = len(found) > request.size
        found = found[: request.size]
        if not forward:
            found.reverse()
        far_side = cursor is not None
        return PageResult(
            documents=found,
            sort=MEMBER_ORDER,
            has_next=more if forward else far_side,
            has_previous=far_side if forward else more,
        )

    def source(self, members: Members) -> MemberSource:
        """The members as a list source (their order is the customer-ID order)."""
        return MemberSource(self, members)

    async def count(self, members: Members, query: dict[str, Any]) -> int:
        total = 0
        async for ids in self._batches(members, None, True):
            total += await self.customers.count(and_filters(query, {"_id": {"$in": ids}}))
        return total


@dataclass(frozen=True)
class MemberSource:
    """A segment's customers as a source of list pages."""

    service: SegmentMembers
    members: Members

    async def page(self, query: dict[str, Any], sort: SortSpec, request: PageRequest) -> PageResult:
        return await self.service.page(self.members, query, request)

    async def count(self, query: dict[str, Any]) -> int:
        return await self.service.count(self.members, query)
