"""Segmentation runs and the customers' assignments to them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, IndexModel, UpdateOne

from app.db import Document
from app.repository import Repository

BUILDING, COMPLETE = "BUILDING", "COMPLETE"


class SegmentationRunRepository(Repository):
    collection_name = "segmentation_runs"
    indexes = (
        IndexModel(
            [("status", ASCENDING), ("createdAt", DESCENDING), ("_id", DESCENDING)],
            name="status_createdAt",
        ),
        IndexModel([("createdAt", DESCENDING), ("_id", DESCENDING)], name="createdAt_id"),
    )

    async def start(self, run_id: ObjectId, fields: Document) -> None:
        """Create (or, on a retried job, reset) the run in BUILDING state."""
        await self.collection.update_one(
            {"_id": run_id}, {"$set": {**fields, "status": BUILDING}}, upsert=True
        )

    async def complete(self, run_id: ObjectId, fields: Document) -> None:
        await self.collection.update_one({"_id": run_id}, {"$set": {**fields, "status": COMPLETE}})

    async def latest(self) -> Document | None:
        return await self.collection.find_one(
            {"status": COMPLETE}, sort=[("createdAt", DESCENDING), ("_id", DESCENDING)]
        )


class AssignmentRepository(Repository):
    """One document per (run, customer); written in batches, read only once the run is
    COMPLETE, so readers never see a half-assigned run."""

    collection_name = "segment_assignments"
    indexes = (
        IndexModel(
            [("runId", ASCENDING), ("customerId", ASCENDING)], unique=True, name="run_customer"
        ),
        IndexModel([("runId", ASCENDING), ("key", ASCENDING)], name="run_key"),
        IndexModel([("runId", ASCENDING), ("rfm.group", ASCENDING)], name="run_group"),
    )

    async def write(self, run_id: ObjectId, rows: Sequence[Document]) -> None:
        """Upsert a batch: running the same job twice writes the same documents."""
        if rows:
            await self.collection.bulk_write(
                [
                    UpdateOne(
                        {"runId": run_id, "customerId": row["customerId"]},
                        {"$set": {**row, "runId": run_id}},
                        upsert=True,
                    )
                    for row in rows
                ],
                ordered=False,
            )

    async def for_customers(
        self, run_id: ObjectId, customer_ids: Sequence[ObjectId]
    ) -> dict[Any, Document]:
        cursor = self.collection.find({"runId": run_id, "customerId": {"$in": list(customer_ids)}})
        return {doc["customerId"]: doc async for doc in cursor}

    async def customer_ids(
        self, run_id: ObjectId, keys: list[str] | None, groups: list[str] | None
    ) -> list[ObjectId]:
        query: Document = {"runId": run_id}
        if keys is not None:
            query["key"] = {"$in": keys}
        if groups is not None:
            query["rfm.group"] = {"$in": groups}
        return [doc["customerId"] async for doc in self.collection.find(query, {"customerId": 1})]
