"""``startSegmentation``."""

from __future__ import annotations

import strawberry

from app.core.errors import InputError
from app.graphql.context import Info
from app.graphql.mutations import Idempotent, request_params
from app.graphql.payloads import refused
from app.graphql.permissions import ANALYSTS, allow
from app.jobs.graphql.mutations import JobPayload, start_job
from app.jobs.models import JobKind
from app.segmentation.graphql.inputs import StartSegmentationInput, segmentation_params


@strawberry.type
class SegmentationMutation:
    @strawberry.mutation(
        description="Segment customers by how they buy; returns the job to follow.",
        extensions=[allow(ANALYSTS)],
    )
    async def start_segmentation(self, info: Info, input: StartSegmentationInput) -> JobPayload:
        try:
            params = segmentation_params(input)
        except InputError as error:
            return refused(JobPayload, "job", error)
        key = Idempotent(input.idempotency_key, request_params(input))
        return await start_job(info, JobKind.SEGMENTATION, params, key)
