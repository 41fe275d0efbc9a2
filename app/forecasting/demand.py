"""Demand as series: the orders' units (and revenue) per period, zero-filled, from MongoDB."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
from bson import ObjectId

from app.core.cpu import run_cpu
from app.core.db import Document, MongoDatabase
from app.forecasting import periods
from app.forecasting.models import HISTORY, ForecastInterval, ForecastLevel, ForecastUnit
from app.orders.repository import OrderRepository


@dataclass(frozen=True)
class Series:
    key: str
    product_id: ObjectId | None
    unit: ForecastUnit
    currency: str | None


@dataclass(frozen=True)
class Demand:
    """Series over common periods: ``values[i, t]`` is series i's demand in period t."""

    starts: list[datetime]  # the periods' local starts, naive; one more: the first forecast
    series: list[Series]
    values: np.ndarray

    def instants(self, zone: ZoneInfo) -> list[datetime]:
        """The UTC starts of the history's periods (and of the first forecast one)."""
        return [periods.instant(start, zone) for start in self.starts]

    def future(self, interval: ForecastInterval, horizon: int, zone: ZoneInfo) -> list[datetime]:
        """The UTC starts of the forecast's periods."""
        first = self.starts[-1]
        return [periods.instant(periods.shift(first, interval, k), zone) for k in range(horizon)]


def window(as_of: datetime, interval: ForecastInterval, zone: ZoneInfo) -> list[datetime]:
    """The local starts of the history's periods (those complete at ``as_of``) and of the
    period holding ``as_of``, the first one forecast."""
    current = periods.start_of(periods.local(as_of, zone), interval)
    return [periods.shift(current, interval, -k) for k in range(HISTORY[interval], -1, -1)]


async def load(
    db: MongoDatabase,
    *,
    as_of: datetime,
    interval: ForecastInterval,
    level: ForecastLevel,
    zone: ZoneInfo,
    product_ids: list[ObjectId] | None,
    warehouse_id: ObjectId | None,
) -> Demand:
    """The history's series: per product (the given ones, or every product sold), or the
    total's units and its revenue in the currency most of its orders use."""
    starts = window(as_of, interval, zone)
    since, until = periods.instant(starts[0], zone), periods.instant(starts[-1], zone)
    rows = await OrderRepository(db).demand(
        since,
        until,
        periods.truncate("$placedAt", interval, zone, since, until),
        by_product=level is ForecastLevel.PRODUCT,
        product_ids=product_ids,
        warehouse_id=warehouse_id,
    )
    return await run_cpu(_tabulate, rows, starts, level, product_ids)


def _tabulate(
    rows: list[Document],
    starts: list[datetime],
    level: ForecastLevel,
    product_ids: list[ObjectId] | None,
) -> Demand:
    """The pipeline's rows as series over the periods (off the loop: a row per product and
    period with sales can mean a million rows)."""
    index = {start: t for t, start in enumerate(starts[:-1])}
    if level is ForecastLevel.PRODUCT:
        sold = sorted({row["_id"]["product"] for row in rows}, key=str)
        products = product_ids if product_ids is not None else sold
        series = [Series(str(p), p, ForecastUnit.UNITS, None) for p in products]
        position = {p: i for i, p in enumerate(products)}
        values = np.zeros((len(series), len(index)))
        for row in rows:
            t = index.get(row["_id"]["period"].replace(tzinfo=None))
            if t is not None and row["_id"]["product"] in position:
                values[position[row["_id"]["product"]], t] += row["units"]
        return Demand(starts, series, values)
    counts = Counter[str]()
    for row in rows:
        counts[row["_id"]["currency"]] += 1
    currency = min(counts, key=lambda c: (-counts[c], c)) if counts else None
    values = np.zeros((2 if currency else 1, len(index)))
    for row in rows:
        t = index.get(row["_id"]["period"].replace(tzinfo=None))
        if t is None:
            continue
        values[0, t] += row["units"]
        if row["_id"]["currency"] == currency:
            values[1, t] += row["revenue"]
    series = [Series(ForecastUnit.UNITS.value, None, ForecastUnit.UNITS, None)]
    if currency:
        series.append(Series(ForecastUnit.REVENUE.value, None, ForecastUnit.REVENUE, currency))
    return Demand(starts, series, values)
