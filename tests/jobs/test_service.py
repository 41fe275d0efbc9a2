"""Starting and cancelling jobs through the service: a queued job ends at once, a running one
is asked to stop, an ended one cannot be cancelled."""

from __future__ import annotations

from datetime import timedelta

import pytest
from bson import ObjectId

from app.core.db import Database
from app.core.errors import ErrorCode, InputError
from app.jobs.models import JobKind
from app.jobs.repository import JobRepository
from app.jobs.service import JobService


async def test_cancel_ends_a_queued_job_and_asks_a_running_one(database: Database) -> None:
    service = JobService(database.db)
    queued = await service.start(JobKind.SEGMENTATION, {"k": 3})
    assert queued["status"] == "QUEUED"
    cancelled = await service.cancel(queued["_id"])
    assert cancelled["status"] == "CANCELLED"

    running = await service.start(JobKind.SEGMENTATION, {"k": 4})
    claimed = await JobRepository(database.db).claim("w1", timedelta(seconds=30))
    assert claimed is not None
    assert claimed["_id"] == running["_id"]
    asked = await service.cancel(running["_id"])
    assert (asked["status"], asked["cancelRequested"]) == ("RUNNING", True)


async def test_an_ended_or_unknown_job_cannot_be_cancelled(database: Database) -> None:
    service = JobService(database.db)
    job = await service.start(JobKind.SEGMENTATION, {})
    await service.cancel(job["_id"])
    with pytest.raises(InputError) as ended:
        await service.cancel(job["_id"])
    assert [(e.field, e.code) for e in ended.value.errors] == [("id", ErrorCode.INVALID_TRANSITION)]
    with pytest.raises(InputError) as unknown:
        await service.cancel(ObjectId())
    assert [(e.field, e.code) for e in unknown.value.errors] == [("id", ErrorCode.NOT_FOUND)]
    assert await database.db["jobs"].count_documents({}) == 1
