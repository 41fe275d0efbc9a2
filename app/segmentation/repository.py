"""Segmentation runs and the customers' assignments to them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.errors import BulkWriteError

from app.core.batches import chunks
from app.core.db import Document
from app.core.repository import DUPLICATE_KEY, Repository
from app.jobs.runs import RunRepository
from app.segmentation.models import assignment_id


class SegmentationRunRepository(RunRepository):
    collection_name = "segmentation_runs"
    indexes = (
        IndexModel(
            [("status", ASCENDING), ("createdAt", DESCENDING), ("_id", DESCENDING)],
            name="status_createdAt",
        ),
        IndexModel([("createdAt", DESCENDING), ("_id", DESCENDING)], name="createdAt_id"),
    )


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
