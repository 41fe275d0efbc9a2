"""The jobs collection: claims and leases on the server's clock, and every write of an
attempt fenced by its token, so a worker that lost a job writes nothing to it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from app.core.db import Database
from app.jobs.models import JobKind
from app.jobs.repository import Attempt, JobRepository

SHORT = timedelta(milliseconds=50)
LONG = timedelta(minutes=5)


async def test_an_attempt_that_lost_its_lease_cannot_write(database: Database) -> None:
    jobs = JobRepository(database.db)
    job = await jobs.enqueue(JobKind.IMPORT, {}, datetime.now(UTC))
    first = await jobs.claim("w1", SHORT)
    assert first is not None
    assert first["_id"] == job["_id"]
    old = Attempt.of(first)
    await asyncio.sleep(0.1)  # the lease lapses
    second = await jobs.claim("w2", LONG)
    assert second is not None
    assert (second["workerId"], second["attempts"]) == ("w2", 2)
    assert await jobs.heartbeat(old, LONG, {"done": 99}) is None
    assert await jobs.finish(old, {"status": "SUCCEEDED"}) is None
    await jobs.release(old)
    held = await jobs.get(job["_id"])
    assert held is not None
    assert (held["status"], held["workerId"], held["progress"]["done"]) == ("RUNNING", "w2", 0)
    current = Attempt.of(second)
    beat = await jobs.heartbeat(current, LONG, {"done": 3, "total": 9})
    assert beat is not None
    assert beat["progress"] == {"done": 3, "total": 9}


async def test_a_released_attempt_does_not_count_and_a_retry_waits(database: Database) -> None:
    jobs = JobRepository(database.db)
    await jobs.enqueue(JobKind.IMPORT, {}, datetime.now(UTC))
    claimed = await jobs.claim("w1", LONG)
    assert claimed is not None
    await jobs.release(Attempt.of(claimed))
    again = await jobs.claim("w2", LONG)
    assert again is not None
    assert again["attempts"] == 1  # the released attempt did not count
    retried = await jobs.finish(Attempt.of(again), {"status": "QUEUED"}, retry_in=LONG)
    assert retried is not None
    assert retried["finishedAt"] is None
    assert await jobs.claim("w3", LONG) is None  # not due for five minutes
