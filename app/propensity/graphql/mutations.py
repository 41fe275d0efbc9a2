"""``startPropensityTraining``."""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry

from app.core.db import Document
from app.graphql.context import Info
from app.graphql.inputs import as_utc
from app.graphql.mutations import Idempotent, request_params
from app.graphql.permissions import ANALYSTS, allow
from app.jobs.graphql.mutations import JobPayload, start_job
from app.jobs.models import JobKind
from app.propensity.graphql.inputs import StartPropensityTrainingInput
from app.propensity.service import training_params


@strawberry.type
class PropensityMutation:
    @strawberry.mutation(
        description="Train a propensity model (REPURCHASE or CHURN) and score every customer "
        "who has ordered; returns the job to follow.",
        extensions=[allow(ANALYSTS)],
    )
    async def start_propensity_training(
        self, info: Info, input: StartPropensityTrainingInput
    ) -> JobPayload:
        async def params() -> Document:
            return await training_params(
                info.context.db,
                target=input.target,
                horizon_days=input.horizon_days,
                as_of=as_utc(input.as_of) if input.as_of else None,
                model=input.model,
                now=datetime.now(UTC),
            )

        key = Idempotent(input.idempotency_key, request_params(input))
        return await start_job(info, JobKind.PROPENSITY_TRAINING, params, key)
