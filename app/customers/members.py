"""Customers listed through another collection's IDs (a segment's assignments, a propensity
model's scores): paged in customer-ID order, joined to customers a batch at a time.

Such a list can hold most of the customer base, so its members are never turned into one
``_id`` list (100k IDs would pass MongoDB's 16 MB command limit, and a few hundred already pass
the embedded store's): pages walk the member IDs in order and fetch the matching customers
``MAX_IN_VALUES`` IDs at a time.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from bson import ObjectId

from app.core.batches import MAX_IN_VALUES
from app.core.db import Document, MongoDatabase
from app.core.paging import PageRequest, SortSpec, and_filters, decode_cursor
from app.core.repository import PageResult
from app.customers.repository import CustomerRepository

MEMBER_ORDER = [("_id", 1)]


class MemberList[M]:
    """A subclass says which IDs ``members`` (its own description of them) stand for."""

    batch = MAX_IN_VALUES  # member IDs joined per query

    def __init__(self, db: MongoDatabase) -> None:
        self.customers = CustomerRepository(db)

    async def member_ids(
        self, members: M, *, after: ObjectId | None, forward: bool, limit: int
    ) -> list[ObjectId]:
        """The next ``limit`` member IDs after ``after``, in ID order (reversed if not
        ``forward``)."""
        raise NotImplementedError

    async def batches(
        self, members: M, after: ObjectId | None = None, forward: bool = True
    ) -> AsyncIterator[list[ObjectId]]:
        """Batches of member IDs from ``after`` on, in ID order (reversed when backward)."""
        while True:
            ids = await self.member_ids(members, after=after, forward=forward, limit=self.batch)
            if not ids:
                return
            yield ids
            if len(ids) < self.batch:
                return
            after = ids[-1]

    async def page(self, members: M, query: dict[str, Any], request: PageRequest) -> PageResult:
        """One page of the members matching ``query``, in customer-ID order. hasPreviousPage
        (hasNextPage when paging back) is true whenever a cursor was given, as Relay allows."""
        forward = request.forward
        cursor = request.after if forward else request.before
        after = decode_cursor(cursor, MEMBER_ORDER)[0] if cursor is not None else None
        found: list[Document] = []
        async for ids in self.batches(members, after, forward):
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

    def source(self, members: M) -> MemberSource[M]:
        """The members as a list source (their order is the customer-ID order)."""
        return MemberSource(self, members)

    async def count(self, members: M, query: dict[str, Any]) -> int:
        total = 0
        async for ids in self.batches(members):
            total += await self.customers.count(and_filters(query, {"_id": {"$in": ids}}))
        return total


@dataclass(frozen=True)
class MemberSource[M]:
    """Members as a source of list pages."""

    service: MemberList[M]
    members: M

    async def page(self, query: dict[str, Any], sort: SortSpec, request: PageRequest) -> PageResult:
        return await self.service.page(self.members, query, request)

    async def count(self, query: dict[str, Any]) -> int:
        return await self.service.count(self.members, query)
