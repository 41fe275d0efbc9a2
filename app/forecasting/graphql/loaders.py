"""Sales forecasts by ID, and the latest per level and interval, batched per request."""

from __future__ import annotations

from bson import ObjectId

from app.core.db import Document
from app.forecasting.models import ForecastInterval, ForecastLevel
from app.forecasting.repository import SalesForecastRepository
from app.graphql.connections import load_by_id
from app.graphql.context import Info
from app.jobs.runs import COMPLETE


async def forecast(info: Info, object_id: ObjectId) -> Document | None:
    """A complete forecast (one still being written or pruned is nobody's to read)."""
    doc = await load_by_id(info.context, SalesForecastRepository, object_id)
    return doc if doc is not None and doc.get("status") == COMPLETE else None


async def latest(info: Info, level: ForecastLevel, interval: ForecastInterval) -> Document | None:
    return await info.context.get(SalesForecastRepository).latest(
        level=level.value, interval=interval.value
    )
