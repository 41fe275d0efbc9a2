"""The segmentation job's writes are fenced by its attempt: one that lost its lease to another
worker cannot reset or overwrite the run that worker completed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.core.db import Database, Document
from app.core.settings import Settings
from app.jobs.context import JobContext
from app.jobs.models import JobKind
from app.jobs.repository import Attempt, JobRepository
from app.segmentation.jobs import run_segmentation
from app.segmentation.repository import AssignmentRepository, SegmentationRunRepository
from tests.segmentation.synthetic import AS_OF, build_history

LEASE = timedelta(seconds=30)


class OvertakenWhileClustering(JobContext):
    """An attempt whose lease lapses while it clusters: another worker claims the job and runs
    it to the end before this attempt writes anything."""

    taken_over: Document | None = None

    async def progress(
        self, done: int, total: int | None = None, message: str | None = None
    ) -> None:
        await super().progress(done, total, message)
        if message and message.startswith("clustering") and self.taken_over is None:
            await self._queue.collection.update_one(
                {"_id": self.job["_id"]}, {"$set": {"leaseUntil": datetime(2000, 1, 1, tzinfo=UTC)}}
            )
            job = await self._queue.claim("second", LEASE)
            assert job is not None
            second = JobContext(job, self.db, self.settings, self._queue, "second")
            result = await run_segmentation(second)
            assert await self._queue.finish(
                Attempt.of(job), {"status": "SUCCEEDED", "result": result}
            )
            self.taken_over = job


async def test_a_stale_attempt_leaves_the_run_another_attempt_completed(
    database: Database, settings: Settings
) -> None:
    await build_history(database.db)
    queue = JobRepository(database.db)
    await queue.enqueue(JobKind.SEGMENTATION, {"asOf": AS_OF, "k": 3}, datetime.now(UTC))
    job = await queue.claim("first", LEASE)
    assert job is not None
    stale = OvertakenWhileClustering(job, database.db, settings, queue, "first")

    assert await run_segmentation(stale) == {"runId": job["_id"]}

    assert stale.taken_over is not None
    run = await SegmentationRunRepository(database.db).get(job["_id"])
    assert run is not None
    assert (run["status"], run["attempt"]) == ("COMPLETE", "second#2")
    assert await AssignmentRepository(database.db).count({"runId": job["_id"]}) == 48
    # Its result is refused too: the job stays the one the second worker ended.
    assert await queue.finish(Attempt.of(job), {"status": "FAILED", "result": None}) is None
    final = await queue.get(job["_id"])
    assert final is not None
    assert (final["status"], final["workerId"]) == ("SUCCEEDED", "second")
