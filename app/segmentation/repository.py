"""Segmentation runs and the customers' assignments to them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.errors import BulkWriteError, DuplicateKeyError

from app.core.batches import chunks
from app.core.db import Document
from app.core.repository import DUPLICATE_KEY, Repository
from app.segmentation.models import BUILDING, COMPLETE, PRUNING, assignment_id


class SegmentationRunRepository(Repository):
    collection_name = "segmentation_runs"
    indexes = (
        IndexModel(
            [("status", ASCENDING), ("createdAt", DESCENDING), ("_id", DESCENDING)],
            name="status_createdAt",
        ),
        IndexModel([("createdAt", DESCENDING), ("_id", DESCENDING)], name="createdAt_id"),
    )

    async def start(self, run_id: ObjectId, fields: Document, attempt: str) -> bool:
        """Create (or, on a retried job, reset) the run in BUILDING state, written by
        ``attempt``; False if the run is complete already (a later attempt finished it)."""
        try:
            await self.collection.update_one(
                {"_id": run_id, "status": {"$ne": COMPLETE}},
                {"$set": {**fields, "status": BUILDING, "attempt": attempt}},
                upsert=True,
            )
        except DuplicateKeyError:
            return False  # the run exists, and is COMPLETE
        return True

    async def complete(self, run_id: ObjectId, fields: Document, attempt: str) -> bool:
        """Complete the run; False if ``attempt`` is no longer the one writing it."""
        result = await self.collection.update_one(
            {"_id": run_id, "status": BUILDING, "attempt": attempt},
            {"$set": {**fields, "status": COMPLETE}},
        )
        return result.modified_count == 1

    async def latest(self) -> Document | None:
        return await self.collection.find_one(
            {"status": COMPLETE}, sort=[("createdAt", DESCENDING), ("_id", DESCENDING)]
        )

    async def complete_beyond(self, keep: int, limit: int = 100) -> list[ObjectId]:
        """Complete runs older than the newest ``keep``."""
        cursor = self.collection.find(
            {"status": COMPLETE}, {"_id": 1}, sort=[("createdAt", DESCENDING), ("_id", DESCENDING)]
        )
        documents = await cursor.skip(keep).limit(limit).to_list()
        return [doc["_id"] for doc in documents]

    async def unfinished(self, limit: int = 100) -> list[ObjectId]:
        """Runs still building or being pruned (their jobs say whether they are alive)."""
        cursor = self.collection.find(
            {"status": {"$in": [BUILDING, PRUNING]}},
            {"_id": 1},
            sort=[("status", ASCENDING), ("createdAt", DESCENDING), ("_id", DESCENDING)],
        )
        return [doc["_id"] for doc in await cursor.limit(limit).to_list()]

    async def mark_pruning(self, run_ids: Sequence[ObjectId]) -> None:
        """Readers see only COMPLETE runs: from here on, nobody reads these."""
        await self.collection.update_many(
            {"_id": {"$in": list(run_ids)}}, {"$set": {"status": PRUNING}}
        )

    async def delete(self, run_id: ObjectId) -> None:
        await self.collection.delete_one({"_id": run_id})


class AssignmentRepository(Repository):
    """One document per (run, customer); written in batches, read only once the run is
    COMPLETE, so readers never see a half-assigned run."""

    collection_name = "segment_assignments"
    # No unique secondary index: the _id carries (run, customer), and the embedded store checks
    # compound unique indexes by scanning the collection on every insert.
    indexes = (
        IndexModel([("runId", ASCENDING), ("customerId", ASCENDING)], name="run_customer"),
        IndexModel(
            [("runId", ASCENDING), ("key", ASCENDING), ("customerId", ASCENDING)],
            name="run_key_customer",
        ),
        IndexModel(
            [("runId", ASCENDING), ("rfm.group", ASCENDING), ("customerId", ASCENDING)],
            name="run_group_customer",
        ),
    )

    async def insert(self, run_id: ObjectId, rows: Sequence[Document]) -> None:
        """Insert a batch; documents already there (a repeated write) are left as they are."""
        documents = [
            {"_id": assignment_id(run_id, row["customerId"]), **row, "runId": run_id}
            for row in rows
        ]
        try:
            await self.collection.insert_many(documents, ordered=False)
        except BulkWriteError as error:
            others = [e for e in error.details["writeErrors"] if e["code"] != DUPLICATE_KEY]
            if others:
                raise

    async def delete_some(self, run_id: ObjectId, limit: int) -> int:
        """Delete up to ``limit`` of the run's assignments; how many went."""
        cursor = self.collection.find({"runId": run_id}, {"_id": 1}).limit(limit)
        ids = [doc["_id"] async for doc in cursor]
        if not ids:
            return 0
        result = await self.collection.delete_many({"_id": {"$in": ids}})
        return result.deleted_count

    async def for_customers(
        self, run_id: ObjectId, customer_ids: Sequence[ObjectId]
    ) -> dict[Any, Document]:
        found: dict[Any, Document] = {}
        for part in chunks(customer_ids):
            cursor = self.collection.find({"runId": run_id, "customerId": {"$in": list(part)}})
            found.update({doc["customerId"]: doc async for doc in cursor})
        return found

    async def member_ids(
        self,
        run_id: ObjectId,
        keys: list[str] | None,
        groups: list[str] | None,
        *,
        after: ObjectId | None,
        forward: bool,
        limit: int,
    ) -> list[ObjectId]:
        """The next ``limit`` customer IDs of the run's segments/groups, in ID order from
        ``after`` (descending when not ``forward``)."""
        query: Document = {"runId": run_id}
        if keys is not None:
            query["key"] = {"$in": keys}
        if groups is not None:
            query["rfm.group"] = {"$in": groups}
        if after is not None:
            query["customerId"] = {"$gt" if forward else "$lt": after}
        cursor = self.collection.find(
            query, {"customerId": 1}, sort=[("customerId", ASCENDING if forward else DESCENDING)]
        )
        return [doc["customerId"] async for doc in cursor.limit(limit)]
