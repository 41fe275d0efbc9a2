"""The base of every repository: the only code that reads and writes a collection."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from bson import ObjectId
from pymongo import IndexModel, UpdateOne
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError, OperationFailure

from app.core.batches import chunks
from app.core.db import Document, MongoDatabase
from app.core.paging import (
    PageRequest,
    SortSpec,
    and_filters,
    decode_cursor,
    keyset_filter,
    reverse,
    with_id,
)

DUPLICATE_KEY = 11000


@dataclass(frozen=True)
class PageResult:
    """One page of documents in order, with the sort used (for cursors) and the page flags."""

    documents: list[Document]
    sort: list[tuple[str, int]]
    has_next: bool
    has_previous: bool


class Repository:
    """Owns one collection and the indexes its queries need (created at start-up)."""

    collection_name: ClassVar[str]
    indexes: ClassVar[Sequence[IndexModel]] = ()
    # The order of the collection's API list when the client gives none (an index serves it).
    list_order: ClassVar[SortSpec] = (("createdAt", -1),)

    def __init__(self, db: MongoDatabase) -> None:
        self.db = db
        self.collection: AsyncCollection[Document] = db[self.collection_name]

    async def insert_many(self, documents: list[Document]) -> None:
        """Bulk load (demo data, imports); documents carry their own ``_id``."""
        if documents:
            await self.collection.insert_many(documents, ordered=True)

    async def upsert_by(
        self, key: str, rows: Sequence[tuple[Any, Document, Document]]
    ) -> tuple[int, int]:
        """Write ``(key value, changes, defaults)`` rows, ``key`` having a unique index: new
        keys are inserted (with ``defaults``), known ones get ``changes`` set. Returns
        (inserted, updated): re-running the same rows inserts nothing new.

        Inserts first, not upserts, and no lookup beforehand: on the embedded store upserts
        and ``$in`` lookups scan the collection while a batch insert stays flat, so the
        unique index tells which keys exist, and only those are looked up.
        """
        latest: dict[Any, tuple[Document, Document]] = {}
        for value, changes, defaults in rows:  # a key given twice: its last row wins
            earlier = latest.get(value)
            latest[value] = (changes, earlier[1] if earlier else defaults)
        new = [{**defaults, **changes, key: value} for value, (changes, defaults) in latest.items()]
        if not new:
            return 0, 0
        try:
            await self.collection.insert_many(new, ordered=False)
        except BulkWriteError as error:
            failures = error.details["writeErrors"]
            if any(failure["code"] != DUPLICATE_KEY for failure in failures):
                raise
            known = [new[failure["index"]][key] for failure in failures]
        else:
            known = []
        found = await self.find_in(key, known, {key: 1}) if known else []
        updates = [UpdateOne({"_id": doc["_id"]}, {"$set": latest[doc[key]][0]}) for doc in found]
        if updates:
            await self.collection.bulk_write(updates, ordered=False)
        return len(new) - len(known), len(updates)

    async def get(self, object_id: ObjectId) -> Document | None:
        return await self.collection.find_one({"_id": object_id})

    async def find_in(
        self,
        field: str,
        values: Sequence[Any],
        projection: dict[str, Any] | None = None,
        where: dict[str, Any] | None = None,
    ) -> list[Document]:
        """Documents (matching ``where``) whose ``field`` is one of ``values``,
        ``MAX_IN_VALUES`` per query."""
        found: list[Document] = []
        for part in chunks(list(dict.fromkeys(values))):
            query = {**(where or {}), field: {"$in": list(part)}}
            found += await self.collection.find(query, projection).to_list()
        return found

    async def get_many(self, ids: Sequence[ObjectId]) -> list[Document | None]:
        """Documents for ``ids`` in the same order, ``None`` where missing."""
        found = {doc["_id"]: doc for doc in await self.find_in("_id", ids)}
        return [found.get(object_id) for object_id in ids]

    async def count(self, query: dict[str, Any]) -> int:
        if "$text" not in query:
            return await self.collection.count_documents(query)
        try:
            return await self.collection.count_documents(query)
        except OperationFailure:
            # MongoDB counts $text matches natively (countDocuments is an aggregation whose
            # first $match holds the $text); the embedded store refuses $text in aggregations.
            # There, count the matching IDs: exact, at O(matches).
            return sum([1 async for _ in self.collection.find(query, {"_id": 1})])

    async def exists(self, query: dict[str, Any]) -> bool:
        return await self.collection.find_one(query, {"_id": 1}) is not None

    async def page(self, query: dict[str, Any], sort: SortSpec, request: PageRequest) -> PageResult:
        """One keyset page of ``query`` in ``sort`` order (``_id`` breaks ties)."""
        order = with_id(sort)
        bounds = self._bounds(order, request)
        fetch_order = order if request.forward else reverse(order)
        cursor = self.collection.find(and_filters(query, *bounds), sort=fetch_order)
        documents = await cursor.limit(request.size + 1).to_list()
        more = len(documents) > request.size
        documents = documents[: request.size]
        if not request.forward:
            documents.reverse()
        # The far side: is there anything at or beyond the cursor we started from?
        far_cursor = request.after if request.forward else request.before
        far_side = False
        if far_cursor is not None:
            values = decode_cursor(far_cursor, order)
            beyond = keyset_filter(order, values, after=not request.forward, inclusive=True)
            far_side = await self.exists(and_filters(query, beyond))
        return PageResult(
            documents=documents,
            sort=order,
            has_next=more if request.forward else far_side,
            has_previous=far_side if request.forward else more,
        )

    async def pages_by(
        self,
        field: str,
        keys: Sequence[Hashable],
        query: dict[str, Any],
        sort: SortSpec,
        request: PageRequest,
    ) -> dict[Hashable, PageResult]:
        """One page per value of ``field`` among ``keys``, in a single aggregation.

        Used by DataLoaders for nested connections (a customer's orders). The far-side flag is
        an estimate here: true when a cursor was given, as Relay allows.
        """
        order = with_id(sort)
        fetch_order = order if request.forward else reverse(order)
        match = and_filters({field: {"$in": list(keys)}}, query, *self._bounds(order, request))
        pipeline: list[dict[str, Any]] = [
            {"$match": match},
            {
                "$group": {
                    "_id": f"${field}",
                    "docs": {
                        "$topN": {
                            "n": request.size + 1,
                            "sortBy": dict(fetch_order),
                            "output": "$$ROOT",
                        }
                    },
                }
            },
        ]
        grouped = {
            row["_id"]: row["docs"] async for row in await self.collection.aggregate(pipeline)
        }
        far_side = (request.after if request.forward else request.before) is not None
        results: dict[Hashable, PageResult] = {}
        for key in keys:
            documents = grouped.get(key, [])
            more = len(documents) > request.size
            documents = documents[: request.size]
            if not request.forward:
                documents.reverse()
            results[key] = PageResult(
                documents=documents,
                sort=order,
                has_next=more if request.forward else far_side,
                has_previous=far_side if request.forward else more,
            )
        return results

    async def counts_by(
        self, field: str, keys: Iterable[Hashable], query: dict[str, Any]
    ) -> dict[Hashable, int]:
        """How many documents match ``query`` for each value of ``field`` (one aggregation)."""
        pipeline: list[dict[str, Any]] = [
            {"$match": and_filters({field: {"$in": list(keys)}}, query)},
            {"$group": {"_id": f"${field}", "n": {"$sum": 1}}},
        ]
        return {row["_id"]: row["n"] async for row in await self.collection.aggregate(pipeline)}

    @staticmethod
    def _bounds(order: SortSpec, request: PageRequest) -> list[dict[str, Any]]:
        bounds = []
        if request.after is not None:
            bounds.append(keyset_filter(order, decode_cursor(request.after, order), after=True))
        if request.before is not None:
            bounds.append(keyset_filter(order, decode_cursor(request.before, order), after=False))
        return bounds
