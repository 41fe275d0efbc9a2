"""``cancelJob``, and the payload every mutation that starts a job returns."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import strawberry

from app.core.db import Document
from app.graphql.context import Info
from app.graphql.mutations import Idempotent, Mutations
from app.graphql.payloads import payload
from app.graphql.permissions import CRM_WRITERS, allow
from app.jobs.graphql.types import Job
from app.jobs.models import TYPE_NAME, JobKind
from app.jobs.repository import JobRepository
from app.jobs.service import JobService

JOBS = Mutations("job", Job.from_document, TYPE_NAME, JobRepository, JobService)


@payload("job", Job, description="The job, or why nothing was started or changed.")
class JobPayload: ...


async def start_job(
    info: Info,
    kind: JobKind,
    params: dict[str, Any] | Callable[[], Awaitable[dict[str, Any]]],
    idempotency: Idempotent,
) -> JobPayload:
    """Enqueue a job, or return the one the caller started with the same idempotency key.
    ``params`` may be made on demand (an import stores its file only for a new job)."""

    async def start(service: JobService) -> Document:
        values = params if isinstance(params, dict) else await params()
        return await service.start(kind, values)

    return await JOBS.create(info, JobPayload, start, idempotency=idempotency)


@strawberry.type
class JobMutation:
    @strawberry.mutation(
        description="Cancel a queued job, or stop a running one at its next checkpoint.",
        extensions=[allow(CRM_WRITERS)],
    )
    async def cancel_job(self, info: Info, id: strawberry.ID) -> JobPayload:
        return await JOBS.change(info, JobPayload, id, JobService.cancel)
