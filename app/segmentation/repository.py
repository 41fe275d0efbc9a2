"""Segmentation runs and the customers' assignments to them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, IndexModel

from app.core.batches import chunks
from app.core.db import Document
from app.jobs.runs import RunPartRepository, RunRepository
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


class AssignmentRepository(RunPartRepository):
    """One document per (run, customer); written in batches, read only once the run is
    COMPLETE, so readers never see a half-assigned run."""

    collection_name = "segment_assignments"
    run_field = "runId"
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

    def part_id(self, run_id: ObjectId, row: Document) -> str:
        return assignment_id(run_id, row["customerId"])

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
