"""Segmentation leaves no leftovers: old runs beyond the retention setting, runs of jobs that
ended without completing them, and cancelled runs are deleted with their assignments."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.core.db import Database
from app.core.settings import Settings
from app.jobs.context import JobCancelled, JobContext
from app.jobs.models import JobKind
from app.jobs.repository import JobRepository
from app.jobs.worker import Worker
from app.segmentation.jobs import run_segmentation
from app.segmentation.repository import AssignmentRepository, SegmentationRunRepository
from tests.conftest import run_jobs
from tests.segmentation.synthetic import AS_OF, build_history


async def segment(database: Database, settings: Settings) -> JobRepository:
    queue = JobRepository(database.db)
    await queue.enqueue(JobKind.SEGMENTATION, {"asOf": AS_OF, "k": 3}, datetime.now(UTC))
    await run_jobs(database, settings)
    return queue


async def test_only_the_newest_runs_are_kept(database: Database, settings: Settings) -> None:
    await build_history(database.db)
    keep_two = settings.model_copy(update={"keep_segmentation_runs": 2})
    runs = SegmentationRunRepository(database.db)
    assignments = AssignmentRepository(database.db)
    first = None
    for _ in range(3):
        await segment(database, keep_two)
        first = first or (await runs.collection.find_one({}, sort=[("createdAt", 1)]))
    assert first is not None
    assert await runs.count({}) == 2
    assert await runs.get(first["_id"]) is None
    assert await assignments.count({"runId": first["_id"]}) == 0
    assert await assignments.count({}) == 2 * 48


async def test_a_run_whose_job_failed_is_pruned_by_the_next_run(
    database: Database, settings: Settings
) -> None:
    await build_history(database.db)
    queue = JobRepository(database.db)
    dead = await queue.enqueue(JobKind.SEGMENTATION, {"asOf": AS_OF}, datetime.now(UTC))
    await queue.collection.update_one({"_id": dead["_id"]}, {"$set": {"status": "FAILED"}})
    runs = SegmentationRunRepository(database.db)
    assert await runs.start(dead["_id"], {"createdAt": dead["createdAt"]}, "w#1")
    await AssignmentRepository(database.db).insert(
        dead["_id"], [{"customerId": dead["_id"], "key": "x", "rfm": None, "explanation": ""}]
    )
    await segment(database, settings)
    assert await runs.get(dead["_id"]) is None
    assert await AssignmentRepository(database.db).count({"runId": dead["_id"]}) == 0


class CancelMidway(JobContext):
    """Asks for the job's cancellation once it has written part of its assignments."""

    async def progress(
        self, done: int, total: int | None = None, message: str | None = None
    ) -> None:
        if done > 0:
            await self._queue.cancel(self.job["_id"], datetime.now(UTC))
        await super().progress(done, total, message)


async def test_a_cancelled_run_leaves_nothing_behind(
    database: Database, settings: Settings
) -> None:
    await build_history(database.db)
    small = settings.model_copy(update={"write_batch_size": 5})
    queue = JobRepository(database.db)
    await queue.enqueue(JobKind.SEGMENTATION, {"asOf": AS_OF, "k": 3}, datetime.now(UTC))
    job = await queue.claim("w", Worker(database.db, small, {}).lease)
    assert job is not None
    context = CancelMidway(job, database.db, small, queue, "w")
    with pytest.raises(JobCancelled) as cancelled:
        await run_segmentation(context)
    runs = SegmentationRunRepository(database.db)
    assert (await runs.get(job["_id"]) or {})["status"] == "PRUNING"  # no reader sees it
    assert cancelled.value.cleanup is not None
    await cancelled.value.cleanup()  # the worker runs this once the job is CANCELLED
    assert await runs.get(job["_id"]) is None
    assert await AssignmentRepository(database.db).count({}) == 0
