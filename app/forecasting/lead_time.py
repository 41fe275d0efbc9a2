"""Forecast demand over a stock level's lead time, for reorder suggestions.

A level uses the newest complete PRODUCT forecast of its warehouse, else the newest of all
orders, if that forecast has a series for its product and still covers today. The demand over
the lead time is the forecast's periods overlapping [now, now + lead time], each weighted by
its overlap; its variance adds the periods' variances (from the 95% upper bound) the same way.
Past the forecast's last period, the covered part's rate goes on.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bson import ObjectId

from app.core.cpu import run_cpu
from app.core.db import Document, MongoDatabase
from app.forecasting import periods
from app.forecasting.models import ForecastInterval, ForecastLevel
from app.forecasting.repository import ForecastSeriesRepository, SalesForecastRepository
from app.graphql.relay import encode_id

Z95 = 1.959963984540054


@dataclass(frozen=True)
class LeadTimeDemand:
    units: float  # expected over the lead time
    sd: float  # its standard deviation
    source: str  # which forecast and model said so


def demand_over(
    forecast: Document, series: Document, now: datetime, days: float
) -> LeadTimeDemand | None:
    """The series' demand over ``days`` from ``now``; None if the forecast has ended."""
    zone = ZoneInfo(forecast["timezone"])
    interval = ForecastInterval(forecast["interval"])
    end = now + timedelta(days=days)
    units = variance = covered = 0.0
    for point in series["forecast"]:
        start = point["period"]
        stop = periods.instant(periods.shift(periods.local(start, zone), interval, 1), zone)
        overlap = (min(stop, end) - max(start, now)).total_seconds()
        if overlap <= 0:
            continue
        share = overlap / (stop - start).total_seconds()
        units += share * point["value"]
        variance += share * (max(point["upper95"] - point["value"], 0.0) / Z95) ** 2
        covered += overlap
    if covered <= 0:
        return None
    stretch = days * 86_400 / covered  # beyond the horizon: at the covered part's rate
    as_of = forecast["asOf"].date().isoformat()
    source = (
        f"SalesForecast {encode_id('SalesForecast', forecast['_id'])} ({series['model']}, "
        f"{interval.value.lower()}ly as of {as_of})"
    )
    return LeadTimeDemand(units * stretch, math.sqrt(variance * stretch), source)


async def for_levels(
    db: MongoDatabase, levels: list[Document], now: datetime, lead_days: Callable[[Document], int]
) -> dict[object, LeadTimeDemand]:
    """Per stock level ``_id``: forecast demand over its lead time, where a forecast has it."""
    forecasts = SalesForecastRepository(db)
    level = ForecastLevel.PRODUCT.value
    overall = await forecasts.latest(level=level, warehouseId=None)
    chosen: dict[ObjectId, Document | None] = {}
    wanted: defaultdict[ObjectId, list[ObjectId]] = defaultdict(list)
    sources: dict[object, Document] = {}
    for stock in levels:
        warehouse = stock["warehouseId"]
        if warehouse not in chosen:
            chosen[warehouse] = await forecasts.latest(level=level, warehouseId=warehouse)
        forecast = chosen[warehouse] or overall
        if forecast is not None:
            wanted[forecast["_id"]].append(stock["productId"])
            sources[stock["_id"]] = forecast
    series = ForecastSeriesRepository(db)
    found = {
        forecast_id: await series.of_products(forecast_id, products)
        for forecast_id, products in wanted.items()
    }
    return await run_cpu(_demands, levels, sources, found, now, lead_days)


def _demands(
    levels: list[Document],
    sources: dict[object, Document],
    found: dict[ObjectId, dict[ObjectId, Document]],
    now: datetime,
    lead_days: Callable[[Document], int],
) -> dict[object, LeadTimeDemand]:
    result = {}
    for stock in levels:
        forecast = sources.get(stock["_id"])
        if forecast is None:
            continue
        one = found[forecast["_id"]].get(stock["productId"])
        if one is None:
            continue
        demand = demand_over(forecast, one, now, lead_days(stock))
        if demand is not None:
            result[stock["_id"]] = demand
    return result
