"""The ``jobs`` collection as a queue: enqueue, claim with a lease, heartbeat, finish, retry.

A claim is one atomic ``find_one_and_update`` (oldest runnable first), so two workers never run
the same attempt; a job whose lease lapsed (its worker died) is runnable again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument

from app.core.db import Document
from app.core.repository import Repository
from app.jobs.models import JobKind, JobStatus, new_job

Q, R = JobStatus.QUEUED.value, JobStatus.RUNNING.value


def _from_now(delay: timedelta) -> Document:
    return {"$add": ["$$NOW", int(delay.total_seconds() * 1000)]}


@dataclass(frozen=True)
class Attempt:
    """One attempt at a job: the fencing token every write of the attempt is checked against
    (the worker and the attempt number), so a worker that lost its lease writes nothing."""

    job_id: ObjectId
    worker_id: str
    number: int

    @classmethod
    def of(cls, job: Document) -> Attempt:
        return cls(job["_id"], job["workerId"], job["attempts"])

    @property
    def token(self) -> str:
        return f"{self.worker_id}#{self.number}"

    def held(self) -> Document:
        """The query of the job while this attempt holds it."""
        return {
            "_id": self.job_id,
            "workerId": self.worker_id,
            "attempts": self.number,
            "status": R,
        }


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

    async def any_of_kind(self, kind: JobKind) -> bool:
        """Whether a job of ``kind`` is on record (queued, running or ended)."""
        found = await self.collection.find_one({"kind": kind.value}, {"_id": 1})
        return found is not None

    async def claim(self, worker_id: str, lease: timedelta) -> Document | None:
        """Take the oldest runnable job: queued and due, or running with a lapsed lease. Times
        are the server's (``$$NOW``), so workers with skewed clocks agree on every lease."""
        return await self.collection.find_one_and_update(
            {
                "$or": [
                    {"status": Q, "$expr": {"$lte": ["$runAt", "$$NOW"]}},
                    {"status": R, "$expr": {"$lt": ["$leaseUntil", "$$NOW"]}},
                ]
            },
            [
                {
                    "$set": {
                        "status": R,
                        "workerId": worker_id,
                        "leaseUntil": _from_now(lease),
                        "updatedAt": "$$NOW",
                        "startedAt": {"$ifNull": ["$startedAt", "$$NOW"]},
                        "attempts": {"$add": ["$attempts", 1]},
                    }
                }
            ],
            sort=[("createdAt", ASCENDING)],
            return_document=ReturnDocument.AFTER,
        )

    async def heartbeat(
        self, job: Attempt, lease: timedelta, progress: Document | None
    ) -> Document | None:
        """Extend the lease of the attempt (and record progress); None if it is not this
        attempt's any more (its lease lapsed and another worker took the job)."""
        changes: Document = {"leaseUntil": _from_now(lease), "updatedAt": "$$NOW"}
        if progress is not None:
            changes["progress"] = {"$literal": progress}
        return await self.collection.find_one_and_update(
            job.held(), [{"$set": changes}], return_document=ReturnDocument.AFTER
        )

    async def finish(
        self, job: Attempt, changes: Document, *, retry_in: timedelta | None = None
    ) -> Document | None:
        """End the attempt: SUCCEEDED, FAILED, CANCELLED, or QUEUED again ``retry_in`` from now."""
        values: Document = {key: {"$literal": value} for key, value in changes.items()}
        values.update({"updatedAt": "$$NOW", "leaseUntil": None})
        if retry_in is not None:
            values["runAt"] = _from_now(retry_in)
        else:
            values["finishedAt"] = "$$NOW"
        return await self.collection.find_one_and_update(
            job.held(), [{"$set": values}], return_document=ReturnDocument.AFTER
        )

    async def release(self, job: Attempt) -> None:
        """Give back an attempt this worker could not finish (it is shutting down): runnable
        again at once, and the attempt does not count."""
        await self.collection.update_one(
            job.held(),
            [
                {
                    "$set": {
                        "status": Q,
                        "runAt": "$$NOW",
                        "workerId": None,
                        "leaseUntil": None,
                        "attempts": {"$add": ["$attempts", -1]},
                    }
                }
            ],
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
