"""What a job handler sees: its job, the database, and checkpoints that report progress."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from app.core.batches import BatchSizer
from app.core.db import Document, MongoDatabase
from app.core.settings import Settings
from app.jobs.repository import Attempt, JobRepository


class JobCancelled(Exception):
    """The job was cancelled; raised at the handler's next checkpoint.

    A handler that must undo partial work raises it again with ``cleanup``: the worker marks
    the job CANCELLED first (so the caller knows within a checkpoint), then runs the cleanup.
    """

    def __init__(self, cleanup: Callable[[], Awaitable[object]] | None = None) -> None:
        super().__init__("cancelled")
        self.cleanup = cleanup


class LostLease(Exception):
    """Another worker took the job over (our lease lapsed); stop without writing a result."""


class JobFailed(Exception):
    """A failure that retrying cannot fix (bad input file, unknown parameter)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class JobContext:
    """What a handler gets: the job, the database, and checkpoints that report progress."""

    job: Document
    db: MongoDatabase
    settings: Settings
    _queue: JobRepository
    _worker_id: str

    @property
    def attempt(self) -> Attempt:
        """This attempt: its token fences the handler's writes that must not outlive it."""
        return Attempt(self.job["_id"], self._worker_id, self.job["attempts"])

    @property
    def params(self) -> dict[str, Any]:
        params: dict[str, Any] = self.job["params"]
        return params

    def batch_sizer(self) -> BatchSizer:
        """Sizes this job's writes to ``CRM_WRITE_BATCH_SECONDS`` each."""
        return BatchSizer(self.settings.write_batch_seconds, self.settings.write_batch_size)

    async def progress(
        self, done: int, total: int | None = None, message: str | None = None
    ) -> None:
        """Record progress and renew the lease; raises JobCancelled if a cancel was asked."""
        lease = timedelta(seconds=self.settings.job_lease_seconds)
        progress = {"done": done, "total": total, "message": message}
        job = await self._queue.heartbeat(self.attempt, lease, progress)
        if job is None:
            raise LostLease
        if job.get("cancelRequested"):
            raise JobCancelled


Handler = Callable[[JobContext], Coroutine[Any, Any, Document]]
