"""The ``jobs`` collection as a queue: enqueue, claim with a lease, heartbeat, finish, retry.

A claim is one atomic ``find_one_and_update`` (oldest runnable first), so two workers never run
the same attempt; a job whose lease lapsed (its worker died) is runnable again.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument

from app.core.db import Document
from app.core.repository import Repository
from app.jobs.models import JobKind, JobStatus, new_job

Q, R = JobStatus.QUEUED.value, JobStatus.RUNNING.value


class JobRepository(Repository):
    collection_name = "jobs"
    indexes = (
        IndexModel(
            [("status", ASCENDING), ("runAt", ASCENDING), ("createdAt", ASCENDING)], name="runnable"
        ),
        IndexModel([("status", ASCENDING), ("leaseUntil", ASCENDING)], name="lapsed"),
        IndexModel([("createdAt", DESCENDING), ("_id", DESCENDING)], name="createdAt_id"),
        IndexModel([("kind", ASCENDING), ("createdAt", DESCENDING)], name="kind_createdAt"),
    )

    async def enqueue(self, kind: JobKind, params: dict[str, Any], now: datetime) -> Document:
        """A new QUEUED job."""
        document = new_job(kind, params, now)
        result = await self.collection.insert_one(document)
        return {**document, "_id": result.inserted_id}

    async def claim(self, worker_id: str, now: datetime, lease: timedelta) -> Document | None:
        """Take the oldest runnable job: queued and due, or running with a lapsed lease."""
        return await self.collection.find_one_and_update(
            {
                "$or": [
                    {"status": Q, "runAt": {"$lte": now}},
                    {"status": R, "leaseUntil": {"$lt": now}},
                ]
            },
            {
                "$set": {
                    "status": R,
                    "workerId": worker_id,
                    "leaseUntil": now + lease,
                    "updatedAt": now,
                },
                "$min": {"startedAt": now},
                "$inc": {"attempts": 1},
            },
            sort=[("createdAt", ASCENDING)],
            return_document=ReturnDocument.AFTER,
        )

    async def heartbeat(
        self,
        job_id: ObjectId,
        worker_id: str,
        now: datetime,
        lease: timedelta,
        progress: Document | None,
    ) -> Document | None:
        """Extend the lease (and record progress); None if this worker lost the job."""
        changes: Document = {"leaseUntil": now + lease, "updatedAt": now}
        if progress is not None:
            changes["progress"] = progress
        return await self.collection.find_one_and_update(
            {"_id": job_id, "workerId": worker_id, "status": R},
            {"$set": changes},
            return_document=ReturnDocument.AFTER,
        )

    async def finish(
        self, job_id: ObjectId, worker_id: str, now: datetime, changes: Document
    ) -> Document | None:
        """End the attempt this worker holds: SUCCEEDED, FAILED, CANCELLED or back to QUEUED."""
        return await self.collection.find_one_and_update(
            {"_id": job_id, "workerId": worker_id, "status": R},
            {"$set": {**changes, "updatedAt": now, "leaseUntil": None}},
            return_document=ReturnDocument.AFTER,
        )

    async def release(self, job_id: ObjectId, worker_id: str, now: datetime) -> None:
        """Give back an attempt this worker could not finish (it is shutting down): runnable
        again at once, and the attempt does not count."""
        await self.collection.update_one(
            {"_id": job_id, "workerId": worker_id, "status": R},
            {
                "$set": {"status": Q, "runAt": now, "workerId": None, "leaseUntil": None},
                "$inc": {"attempts": -1},
            },
        )

    async def cancel(self, job_id: ObjectId, now: datetime) -> Document | None:
        """Cancel a queued job at once; ask a running one to stop at its next checkpoint."""
        queued = await self.collection.find_one_and_update(
            {"_id": job_id, "status": Q},
            {"$set": {"status": JobStatus.CANCELLED.value, "finishedAt": now, "updatedAt": now}},
            return_document=ReturnDocument.AFTER,
        )
        if queued is not None:
            return queued
        return await self.collection.find_one_and_update(
            {"_id": job_id, "status": R},
            {"$set": {"cancelRequested": True, "updatedAt": now}},
            return_document=ReturnDocument.AFTER,
        )
