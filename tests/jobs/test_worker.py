"""The queue and its workers: leases, retries with backoff, cancel."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app.core.db import Database, Document
from app.core.settings import Settings
from app.jobs.context import JobContext, JobFailed
from app.jobs.models import JobKind, JobStatus
from app.jobs.repository import Attempt, JobRepository
from app.jobs.worker import Worker

FAST = Settings(job_lease_seconds=0.5, job_poll_seconds=0.05, job_retry_base_seconds=0)


async def enqueue(database: Database, **params: Any) -> Document:
    return await JobRepository(database.db).enqueue(JobKind.SEGMENTATION, params, datetime.now(UTC))


async def test_claims_oldest_first_and_reclaims_a_lapsed_lease(database: Database) -> None:
    queue = JobRepository(database.db)
    first = await enqueue(database, n=1)
    second = await enqueue(database, n=2)
    claimed = await queue.claim("a", timedelta(seconds=0.3))
    assert claimed is not None
    assert claimed["_id"] == first["_id"]
    assert (claimed["status"], claimed["workerId"], claimed["attempts"]) == ("RUNNING", "a", 1)
    again = await queue.claim("b", timedelta(seconds=10))
    assert again is not None
    assert again["_id"] == second["_id"]
    assert await queue.claim("c", timedelta(seconds=10)) is None
    # Worker "a" dies: once its lease lapses (by the server's clock) the job is claimable...
    await asyncio.sleep(0.4)
    taken = await queue.claim("c", timedelta(seconds=10))
    assert taken is not None
    assert (taken["_id"], taken["attempts"]) == (first["_id"], 2)
    # ...and every write of "a"'s attempt is refused, even one that would end the job.
    stale = Attempt.of(claimed)
    assert await queue.heartbeat(stale, timedelta(seconds=10), None) is None
    assert await queue.finish(stale, {"status": "SUCCEEDED", "result": None}) is None
    current = await queue.get(first["_id"])
    assert current is not None
    assert (current["status"], current["workerId"]) == ("RUNNING", "c")


async def test_a_worker_that_loses_its_lease_stops_its_handler(database: Database) -> None:
    job = await enqueue(database)
    queue = JobRepository(database.db)
    started, wrote = asyncio.Event(), []

    async def slow(context: JobContext) -> Document:
        started.set()
        await asyncio.sleep(5)  # a long CPU-bound step: no checkpoint renews the lease
        wrote.append("result")
        return {}

    worker = Worker(database.db, FAST, {JobKind.SEGMENTATION: slow})
    running = asyncio.create_task(worker.run_once())
    await asyncio.wait_for(started.wait(), 5)
    # Another worker takes the job over (as after a lapsed lease).
    await queue.collection.update_one({"_id": job["_id"]}, {"$set": {"workerId": "other"}})
    assert await asyncio.wait_for(running, 2)
    assert wrote == []
    final = await queue.get(job["_id"])
    assert final is not None
    assert (final["status"], final["workerId"]) == ("RUNNING", "other")


async def test_failures_retry_with_backoff_then_fail(database: Database) -> None:
    calls = []

    async def flaky(context: JobContext) -> Document:
        calls.append(context.job["attempts"])
        raise RuntimeError("database hiccup")

    job = await enqueue(database)
    worker = Worker(database.db, FAST, {JobKind.SEGMENTATION: flaky})
    for _ in range(3):
        assert await worker.run_once()
    final = await JobRepository(database.db).get(job["_id"])
    assert final is not None
    assert calls == [1, 2, 3]
    assert final["status"] == "FAILED"
    assert final["error"]["code"] == "HANDLER_ERROR"
    assert "database hiccup" in final["error"]["message"]


async def test_backoff_delays_the_next_attempt(database: Database) -> None:
    async def flaky(context: JobContext) -> Document:
        raise RuntimeError("hiccup")

    job = await enqueue(database)
    settings = Settings(job_retry_base_seconds=60)
    worker = Worker(database.db, settings, {JobKind.SEGMENTATION: flaky})
    assert await worker.run_once()
    queued = await JobRepository(database.db).get(job["_id"])
    assert queued is not None
    assert queued["status"] == "QUEUED"
    assert queued["runAt"] > datetime.now(UTC) + timedelta(seconds=50)
    assert not await worker.run_once()  # not due yet


async def test_permanent_failure_does_not_retry(database: Database) -> None:
    async def refuse(context: JobContext) -> Document:
        raise JobFailed("BAD_FILE", "The file is not CSV.")

    job = await enqueue(database)
    await Worker(database.db, FAST, {JobKind.SEGMENTATION: refuse}).run_once()
    final = await JobRepository(database.db).get(job["_id"])
    assert final is not None
    assert (final["status"], final["attempts"]) == ("FAILED", 1)
    assert final["error"] == {"code": "BAD_FILE", "message": "The file is not CSV."}


async def test_cancel_stops_a_running_job_at_its_next_checkpoint(database: Database) -> None:
    reached = []
    started = asyncio.Event()

    async def long_job(context: JobContext) -> Document:
        for step in range(200):
            reached.append(step)
            await context.progress(step, 200)
            if step == 5:
                started.set()
            await asyncio.sleep(0.02)
        return {"done": True}

    job = await enqueue(database)
    queue = JobRepository(database.db)
    worker = Worker(database.db, FAST, {JobKind.SEGMENTATION: long_job})
    running = asyncio.create_task(worker.run_once())
    await started.wait()
    await queue.cancel(job["_id"], datetime.now(UTC))
    await running
    final = await queue.get(job["_id"])
    assert final is not None
    assert final["status"] == JobStatus.CANCELLED.value
    assert final["result"] is None
    assert len(reached) < 200
    assert final["progress"]["done"] >= 5


async def test_cancelling_a_queued_job_is_immediate(database: Database) -> None:
    job = await enqueue(database)
    cancelled = await JobRepository(database.db).cancel(job["_id"], datetime.now(UTC))
    assert cancelled is not None
    assert cancelled["status"] == "CANCELLED"
    assert not await Worker(database.db, FAST, {}).run_once()


async def test_a_worker_stopped_mid_job_hands_the_job_back(database: Database) -> None:
    queue = JobRepository(database.db)
    job = await queue.enqueue(JobKind.IMPORT, {}, datetime.now(UTC))
    running = asyncio.Event()

    async def forever(_: JobContext) -> Document:
        running.set()
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    worker = Worker(database.db, Settings(), {JobKind.IMPORT: forever}, worker_id="w")
    task = asyncio.create_task(worker.run_once())
    await asyncio.wait_for(running.wait(), 10)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    back = await queue.get(job["_id"])
    assert back is not None
    assert (back["status"], back["attempts"], back["workerId"]) == ("QUEUED", 0, None)
