"""``job``, ``jobs`` and the ``jobProgress`` subscription."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator

import strawberry

from app.graphql.connections import connection_field
from app.graphql.context import Info
from app.graphql.cost import measured, pay_for_event, pay_for_polls
from app.graphql.permissions import EVERYONE, allow
from app.graphql.relay import decode_id_or_raise, load_node
from app.jobs.graphql.inputs import JobFilter
from app.jobs.graphql.types import Job
from app.jobs.models import TERMINAL, TYPE_NAME, JobStatus
from app.jobs.repository import JobRepository

POLL_SECONDS = 0.5


@strawberry.type
class JobQuery:
    @strawberry.field(extensions=[allow(EVERYONE)])
    async def job(self, info: Info, id: strawberry.ID) -> Job | None:
        node: Job | None = await load_node(info, TYPE_NAME, decode_id_or_raise(id, TYPE_NAME))
        return node

    jobs = connection_field(
        Job, JobRepository, filter=JobFilter, roles=EVERYONE, description="Jobs, newest first."
    )


@strawberry.type
class JobSubscription:
    @strawberry.subscription(
        description="The job on every change, until it ends; works whichever process runs it.",
        extensions=[allow(EVERYONE)],
    )
    async def job_progress(self, info: Info, id: strawberry.ID) -> AsyncGenerator[Job]:
        # Polling the job document works on any deployment (change streams need a replica set).
        object_id = decode_id_or_raise(id, TYPE_NAME)
        repository = info.context.get(JobRepository)
        work, capacity = measured(), info.context.settings.rate_limit_cost_per_minute
        last_seen = None
        while True:
            doc = await repository.get(object_id)
            work.polled()
            if doc is None:
                return
            if doc["updatedAt"] != last_seen:
                await pay_for_event(work, first=last_seen is None, capacity=capacity)
                last_seen = doc["updatedAt"]
                yield Job.from_document(doc)
            else:
                await pay_for_polls(work, capacity=capacity)
            if JobStatus(doc["status"]) in TERMINAL:
                return
            await asyncio.sleep(POLL_SECONDS)
