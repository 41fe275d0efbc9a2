"""Starting and cancelling jobs: the rules around the queue."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bson import ObjectId

from app.core.db import Document, MongoDatabase
from app.core.errors import ErrorCode, InputError
from app.jobs.models import JobKind
from app.jobs.repository import JobRepository


class JobService:
    def __init__(self, db: MongoDatabase) -> None:
        self.jobs = JobRepository(db)

    async def start(self, kind: JobKind, params: dict[str, Any]) -> Document:
        """A new QUEUED job (idempotency keys are the mutation's: ``run_mutation``)."""
        return await self.jobs.enqueue(kind, params, datetime.now(UTC))

    async def cancel(self, job_id: ObjectId) -> Document:
        """Cancel a queued job at once; ask a running one to stop at its next checkpoint."""
        job = await self.jobs.cancel(job_id, datetime.now(UTC))
        if job is not None:
            return job
        if await self.jobs.get(job_id) is None:
            raise InputError.one("id", ErrorCode.NOT_FOUND, "No job has this ID.")
        raise InputError.one("id", ErrorCode.INVALID_TRANSITION, "The job has already ended.")
