"""Propensity model runs and the customers' scores in them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, IndexModel

from app.core.batches import chunks
from app.core.db import Document
from app.jobs.runs import COMPLETE, NEWEST_FIRST, RunPartRepository, RunRepository
from app.propensity.models import PropensityTarget, score_id


class PropensityModelRepository(RunRepository):
    """One run per training job. The newest COMPLETE run of a target is its active model."""

    collection_name = "propensity_models"
    indexes = (
        IndexModel(
            [("status", ASCENDING), ("createdAt", DESCENDING), ("_id", DESCENDING)],
            name="status_createdAt",
        ),
        IndexModel(
            [
                ("status", ASCENDING),
                ("target", ASCENDING),
                ("createdAt", DESCENDING),
                ("_id", DESCENDING),
            ],
            name="status_target_createdAt",
        ),
        IndexModel([("createdAt", DESCENDING), ("_id", DESCENDING)], name="createdAt_id"),
    )

    async def active(self, target: PropensityTarget) -> Document | None:
        return await self.latest(target=target.value)

    async def complete_beyond(self, keep: int, limit: int = 100) -> list[ObjectId]:
        """Complete runs older than each target's newest ``keep`` (so training one target
        often never prunes the other's active model)."""
        found: list[ObjectId] = []
        for target in PropensityTarget:
            cursor = self.collection.find(
                {"status": COMPLETE, "target": target.value}, {"_id": 1}, sort=NEWEST_FIRST
            )
            found += [doc["_id"] for doc in await cursor.skip(keep).limit(limit).to_list()]
        return found


class PropensityScoreRepository(RunPartRepository):
    """One document per (run, customer): score, rank (0 = most likely), percentile, reasons.
    Read only once the run is COMPLETE."""

    collection_name = "propensity_scores"
    run_field = "runId"
    indexes = (
        IndexModel([("runId", ASCENDING), ("customerId", ASCENDING)], name="run_customer"),
        IndexModel([("runId", ASCENDING), ("rank", ASCENDING)], name="run_rank"),
    )

    def part_id(self, run_id: ObjectId, row: Document) -> str:
        return score_id(run_id, row["customerId"])

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
        below_rank: int | None,
        min_score: float | None,
        *,
        after: ObjectId | None,
        forward: bool,
        limit: int,
    ) -> list[ObjectId]:
        """The next ``limit`` scored customer IDs ranked below ``below_rank`` and scoring at
        least ``min_score``, in ID order from ``after`` (descending when not ``forward``)."""
        query: Document = {"runId": run_id}
        if after is not None:
            query["customerId"] = {"$gt" if forward else "$lt": after}
        if below_rank is not None:
            query["rank"] = {"$lt": below_rank}
        if min_score is not None:
            query["score"] = {"$gte": min_score}
        cursor = self.collection.find(
            query, {"customerId": 1}, sort=[("customerId", ASCENDING if forward else DESCENDING)]
        )
        return [doc["customerId"] async for doc in cursor.limit(limit)]
