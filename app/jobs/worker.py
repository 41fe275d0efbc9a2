"""Workers: claim jobs, run their handlers, keep the lease alive, retry with backoff.

``crm serve`` runs one embedded worker; ``crm worker --concurrency N`` runs more anywhere that
reaches the same MongoDB. State lives in the jobs collection only, so a worker can die at any
moment: its lease lapses and another worker takes the job again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta

from app.core import logs
from app.core.db import Document, MongoDatabase
from app.core.settings import Settings
from app.jobs.context import Handler, JobCancelled, JobContext, JobFailed, LostLease
from app.jobs.models import TYPE_NAME, JobKind, JobStatus
from app.jobs.repository import Attempt, JobRepository
from app.webhooks.models import WebhookEvent
from app.webhooks.outbox import emit

log = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 300.0
STOP_GRACE_SECONDS = 3.0


async def stop_within(tasks: list[asyncio.Task[None]], grace: float = STOP_GRACE_SECONDS) -> None:
    """After ``stop`` was set: give running jobs ``grace`` seconds to end their attempt, then
    cancel them (their worker queues them again, so the next worker resumes them)."""
    if not tasks:
        return
    await asyncio.wait(tasks, timeout=grace)
    for task in tasks:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def new_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Worker:
    """Runs up to ``concurrency`` jobs at a time until stopped."""

    def __init__(
        self,
        db: MongoDatabase,
        settings: Settings,
        handlers: Mapping[JobKind, Handler],
        *,
        concurrency: int = 1,
        worker_id: str | None = None,
    ) -> None:
        self.db = db
        self.settings = settings
        self.handlers = handlers
        self.concurrency = concurrency
        self.worker_id = worker_id or new_worker_id()
        self.queue = JobRepository(db)
        self.lease = timedelta(seconds=settings.job_lease_seconds)

    async def run(self, stop: asyncio.Event) -> None:
        """Claim and run jobs until ``stop`` is set; running jobs finish their attempt."""
        log.info("worker %s started (concurrency %d)", self.worker_id, self.concurrency)
        await asyncio.gather(*(self._slot(stop) for _ in range(self.concurrency)))

    async def _slot(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                ran = await self.run_once()
            except Exception:
                log.exception("worker %s: claiming failed; retrying", self.worker_id)
                ran = False
            if not ran:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.settings.job_poll_seconds)

    async def run_once(self) -> bool:
        """Claim one job and run it to the end of this attempt; False if none was runnable."""
        job = await self.queue.claim(self.worker_id, self.lease)
        if job is None:
            return False
        token = logs.job_id.set(str(job["_id"]))  # on every line the attempt logs
        try:
            await self._run(job)
        finally:
            logs.job_id.reset(token)
        return True

    async def _run(self, job: Document) -> None:
        if job["attempts"] > job["maxAttempts"]:
            await self._end(
                job,
                JobStatus.FAILED,
                error={
                    "code": "GAVE_UP",
                    "message": f"Stopped after {job['maxAttempts']} attempts.",
                },
            )
            return
        if job.get("cancelRequested"):
            await self._end(job, JobStatus.CANCELLED)
            return
        handler = self.handlers.get(JobKind(job["kind"]))
        if handler is None:
            await self._end(
                job,
                JobStatus.FAILED,
                error={"code": "UNSUPPORTED", "message": f"No handler for {job['kind']} jobs."},
            )
            return
        context = JobContext(job, self.db, self.settings, self.queue, self.worker_id)
        handling = asyncio.create_task(handler(context))
        renewing = asyncio.create_task(self._keep_lease(job, handling))
        try:
            result = await handling
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if task is None or not task.cancelling():
                # Not a shutdown: the lease was lost and _keep_lease stopped the handler.
                log.warning("worker %s lost job %s to another worker", self.worker_id, job["_id"])
                return
            # The process is stopping: hand the job back so that any worker resumes it now
            # rather than when the lease lapses.
            await self.queue.release(Attempt.of(job))
            log.info("worker %s stopped; job %s is queued again", self.worker_id, job["_id"])
            raise
        except JobCancelled as cancelled:
            await self._end(job, JobStatus.CANCELLED)
            if cancelled.cleanup is not None:
                await self._clean_up(job, cancelled.cleanup)
        except LostLease:
            log.warning("worker %s lost job %s to another worker", self.worker_id, job["_id"])
        except JobFailed as failure:
            await self._end(
                job, JobStatus.FAILED, error={"code": failure.code, "message": str(failure)}
            )
        except Exception as error:
            log.exception("job %s attempt %d failed", job["_id"], job["attempts"])
            await self._retry_or_fail(job, error)
        else:
            await self._end(job, JobStatus.SUCCEEDED, result=result)
        finally:
            renewing.cancel()

    async def _clean_up(self, job: Document, cleanup: Callable[[], Awaitable[object]]) -> None:
        try:
            await cleanup()
        except Exception:
            # What is left is found and deleted by the next run of the same kind.
            log.exception("cleaning up after cancelled job %s failed", job["_id"])

    async def _keep_lease(self, job: Document, handling: asyncio.Task[Document]) -> None:
        """Renew the lease while CPU-heavy steps run between checkpoints; once it is lost (the
        job is another worker's), stop the handler so that it writes nothing more."""
        while True:
            await asyncio.sleep(self.lease.total_seconds() / 3)
            if await self.queue.heartbeat(Attempt.of(job), self.lease, None) is None:
                handling.cancel()
                return

    async def _retry_or_fail(self, job: Document, error: Exception) -> None:
        details = {"code": "HANDLER_ERROR", "message": f"{type(error).__name__}: {error}"[:500]}
        if job["attempts"] >= job["maxAttempts"]:
            await self._end(job, JobStatus.FAILED, error=details)
            return
        delay = min(
            self.settings.job_retry_base_seconds * 2 ** (job["attempts"] - 1), MAX_BACKOFF_SECONDS
        )
        await self.queue.finish(
            Attempt.of(job),
            {"status": JobStatus.QUEUED.value, "error": details, "workerId": None},
            retry_in=timedelta(seconds=delay),
        )

    async def _end(
        self,
        job: Document,
        status: JobStatus,
        *,
        result: Document | None = None,
        error: Document | None = None,
    ) -> None:
        changes: Document = {"status": status.value, "result": result, "error": error}
        await self.queue.finish(Attempt.of(job), changes)
        try:
            finished = {**job, **changes, "progress": None, "params": None}
            await emit(self.db, WebhookEvent.JOB_FINISHED, TYPE_NAME, finished)
        except Exception:
            log.exception("the JOB_FINISHED webhook of job %s was not queued", job["_id"])
