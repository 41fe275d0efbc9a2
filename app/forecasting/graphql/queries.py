"""``salesForecast``, ``salesForecasts`` and ``latestSalesForecast``."""

from __future__ import annotations

import strawberry

from app.forecasting.graphql import loaders
from app.forecasting.graphql.enums import ForecastInterval, ForecastLevel
from app.forecasting.graphql.types import SalesForecast
from app.forecasting.models import TYPE_NAME
from app.forecasting.repository import SalesForecastRepository
from app.graphql.connections import connection_field
from app.graphql.context import Info
from app.graphql.permissions import EVERYONE, allow
from app.graphql.relay import decode_id_or_raise, load_node
from app.jobs.runs import COMPLETE


@strawberry.type
class ForecastQuery:
    @strawberry.field(extensions=[allow(EVERYONE)])
    async def sales_forecast(self, info: Info, id: strawberry.ID) -> SalesForecast | None:
        node: SalesForecast | None = await load_node(
            info, TYPE_NAME, decode_id_or_raise(id, TYPE_NAME)
        )
        return node

    sales_forecasts = connection_field(
        SalesForecast,
        SalesForecastRepository,
        base_query={"status": COMPLETE},
        roles=EVERYONE,
        description="Complete forecasts, newest first.",
    )

    @strawberry.field(
        description="The newest complete forecast of this level and interval.",
        extensions=[allow(EVERYONE)],
    )
    async def latest_sales_forecast(
        self,
        info: Info,
        level: ForecastLevel = ForecastLevel.PRODUCT,
        interval: ForecastInterval = ForecastInterval.MONTH,
    ) -> SalesForecast | None:
        doc = await loaders.latest(info, level, interval)
        return SalesForecast.from_document(doc) if doc else None
