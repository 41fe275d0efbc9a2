"""A worker killed mid-job (SIGKILL): another worker takes the job over when the lease lapses
and finishes it with the right result and no duplicate writes."""

from __future__ import annotations

import asyncio
import signal
import time
from datetime import UTC, datetime

from app.core.db import Database
from app.core.settings import Settings
from app.demo.load import seed
from app.jobs.models import JobKind
from app.jobs.repository import JobRepository
from app.jobs.worker import Worker
from app.schema import HANDLERS
from app.segmentation.repository import AssignmentRepository, SegmentationRunRepository
from tests.conftest import start_worker

TAKEOVER = Settings(job_lease_seconds=1, job_poll_seconds=0.05, write_batch_size=5)


async def test_killed_worker_is_replaced_and_the_result_is_whole(
    mongo_url: str, database: Database
) -> None:
    counts = await seed(database.db, customers=40, seed=3, progress=False)
    queue = JobRepository(database.db)
    job = await queue.enqueue(
        JobKind.SEGMENTATION, {"asOf": datetime.now(UTC), "k": 3}, datetime.now(UTC)
    )
    worker = start_worker(mongo_url, database.db.name)
    try:
        deadline = time.monotonic() + 60
        while True:  # wait until it is part-way through writing assignments
            current = await queue.get(job["_id"])
            assert current is not None
            if current["status"] == "RUNNING" and current["progress"]["done"] > 0:
                break
            assert current["status"] in ("QUEUED", "RUNNING"), current
            assert time.monotonic() < deadline, "the worker never got going"
            await asyncio.sleep(0.01)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    killed = await queue.get(job["_id"])
    assert killed is not None
    assert killed["status"] == "RUNNING"  # killed mid-job, not after it
    written_before = await AssignmentRepository(database.db).count({"runId": job["_id"]})
    assert 0 < written_before < counts["customers"]

    rescuer = Worker(database.db, TAKEOVER, HANDLERS, worker_id="rescuer")
    deadline = time.monotonic() + 30
    while not await rescuer.run_once():  # runnable once the dead worker's lease lapses
        assert time.monotonic() < deadline
        await asyncio.sleep(0.1)
    done = await queue.get(job["_id"])
    assert done is not None
    assert (done["status"], done["attempts"], done["workerId"]) == ("SUCCEEDED", 2, "rescuer")
    assignments = AssignmentRepository(database.db)
    assert await assignments.count({"runId": job["_id"]}) == counts["customers"]
    customer_ids = await assignments.member_ids(
        job["_id"], None, None, after=None, forward=True, limit=10_000
    )
    assert len(set(customer_ids)) == len(customer_ids) == counts["customers"]
    run = await SegmentationRunRepository(database.db).get(job["_id"])
    assert run is not None
    assert run["status"] == "COMPLETE"
    assert sum(s["size"] for s in run["segments"]) == counts["customers"]
