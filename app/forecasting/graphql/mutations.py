"""``startSalesForecast``."""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry

from app.core.db import Document
from app.core.errors import InputError
from app.forecasting.graphql.inputs import StartSalesForecastInput
from app.forecasting.service import forecast_params
from app.graphql.context import Info
from app.graphql.inputs import as_utc
from app.graphql.mutations import Idempotent, request_params
from app.graphql.payloads import refused
from app.graphql.permissions import ANALYSTS, allow
from app.jobs.graphql.mutations import JobPayload, start_job
from app.jobs.models import JobKind


@strawberry.type
class ForecastMutation:
    @strawberry.mutation(
        description="Forecast demand per product or in total; returns the job to follow.",
        extensions=[allow(ANALYSTS)],
    )
    async def start_sales_forecast(self, info: Info, input: StartSalesForecastInput) -> JobPayload:
        now = datetime.now(UTC)
        try:
            product_ids = input.product_object_ids()
            warehouse_id = input.warehouse_object_id()
        except InputError as error:
            return refused(JobPayload, "job", error)

        async def params() -> Document:
            return await forecast_params(
                info.context.db,
                interval=input.interval,
                horizon=input.horizon,
                as_of=as_utc(input.as_of) if input.as_of else now,
                now=now,
                level=input.level,
                product_ids=product_ids,
                warehouse_id=warehouse_id,
                timezone=info.context.settings.timezone,
            )

        key = Idempotent(input.idempotency_key, request_params(input))
        return await start_job(info, JobKind.SALES_FORECAST, params, key)
