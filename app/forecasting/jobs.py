"""The SALES_FORECAST job: demand from MongoDB, models off the loop, series in batches."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from app.core.batches import in_timed_batches
from app.core.cpu import map_cpu, run_cpu
from app.core.db import Document
from app.forecasting import backtest, demand
from app.forecasting.backtest import SeriesForecast
from app.forecasting.models import SEASON, ForecastInterval, ForecastLevel, ForecastMethod
from app.forecasting.repository import ForecastSeriesRepository, SalesForecastRepository
from app.jobs.context import JobCancelled, JobContext, JobFailed, LostLease
from app.jobs.models import JobKind
from app.jobs.registry import handles
from app.jobs.runs import delete_parts, prune

DIGITS = 3  # forecasts are estimates: a thousandth of a unit is plenty


@handles(JobKind.SALES_FORECAST)
async def run_sales_forecast(context: JobContext) -> Document:
    params = context.params
    as_of: datetime = params["asOf"]
    if as_of.tzinfo is None:
        as_of = as_of.replace(tzinfo=UTC)
    interval = ForecastInterval(params["interval"])
    level = ForecastLevel(params["level"])
    horizon: int = params["horizon"]
    zone = ZoneInfo(params["timezone"])
    forecast_id = context.job["_id"]  # one forecast per job: a retried job rewrites it
    runs = SalesForecastRepository(context.db)
    await _prune(context)
    await context.progress(0, None, "adding up demand per period in MongoDB")
    found = await demand.load(
        context.db,
        as_of=as_of,
        interval=interval,
        level=level,
        zone=zone,
        product_ids=params.get("productIds"),
        warehouse_id=params.get("warehouseId"),
    )
    if not found.values.any():
        raise JobFailed(
            "NOT_ENOUGH_DATA",
            "No revenue orders in the history before asOf"
            + (" for these products." if params.get("productIds") else "."),
        )
    m = SEASON[interval]
    work = backtest.tasks(found.values)
    total = len(found.series)
    await context.progress(0, total, f"choosing models for {total:,} series by backtest")
    sizes = [len(task.rows) for task in work]

    async def modelled(done: int) -> None:
        await context.progress(sum(sizes[:done]), total, "choosing models by backtest")

    results = await map_cpu(
        backtest.forecast,
        [(found.values[task.rows, task.start :], horizon, m) for task in work],
        context.settings.forecast_processes,
        modelled,
    )
    instants = found.instants(zone)
    documents = await run_cpu(
        _documents, found, work, results, instants, found.future(interval, horizon, zone)
    )
    attempt = context.attempt.token
    fields = {
        "createdAt": context.job["createdAt"],
        "asOf": as_of,
        "interval": interval.value,
        "horizon": horizon,
        "level": level.value,
        "warehouseId": params.get("warehouseId"),
        "productIds": params.get("productIds"),
        "timezone": params["timezone"],
        "seasonLength": m,
        "historyFrom": instants[min(task.start for task in work)],
        "seriesCount": len(documents),
        "methods": dict(Counter(doc["method"] for doc in documents)),
    }
    if not await runs.start(forecast_id, fields, attempt):
        return {"forecastId": forecast_id}  # an earlier attempt completed it
    series = ForecastSeriesRepository(context.db)
    try:
        await delete_parts(context, series, forecast_id)  # what a dead attempt left
        await in_timed_batches(
            documents,
            context.batch_sizer(),
            lambda batch: series.insert(forecast_id, batch),
            lambda done: context.progress(done, len(documents), "writing series"),
            what="writing forecast series",
        )
    except JobCancelled:
        await runs.mark_pruning([forecast_id])  # nobody reads it; its series go at once

        async def clean_up() -> None:
            await delete_parts(context, series, forecast_id)
            await runs.delete(forecast_id)

        raise JobCancelled(cleanup=clean_up) from None
    summary = _accuracy(documents)
    if not await runs.complete(
        forecast_id, {"accuracy": summary, "completedAt": datetime.now(UTC)}, attempt
    ):
        raise LostLease  # another attempt took the forecast over while this one wrote it
    await _prune(context)
    return {"forecastId": forecast_id}


async def _prune(context: JobContext) -> None:
    series = ForecastSeriesRepository(context.db)
    await prune(
        context,
        SalesForecastRepository(context.db),
        lambda forecast_id: delete_parts(context, series, forecast_id),
        keep=context.settings.keep_sales_forecasts,
    )


def _documents(
    found: demand.Demand,
    work: list[backtest.Task],
    results: list[list[SeriesForecast]],
    instants: list[datetime],
    future: list[datetime],
) -> list[Document]:
    """The series' documents, ranked by forecast size (built off the loop: 10,000 series
    are a million small dicts)."""
    documents = []
    for task, chunk in zip(work, results, strict=True):
        for row, result in zip(task.rows, chunk, strict=True):
            documents.append(_series_document(found, row, task.start, result, instants, future))
    documents.sort(key=lambda doc: (-doc["total"], doc["key"]))
    for rank, doc in enumerate(documents, start=1):
        doc["rank"] = rank
    return documents


def _series_document(
    found: demand.Demand,
    row: int,
    start: int,
    result: SeriesForecast,
    instants: list[datetime],
    future: list[datetime],
) -> Document:
    what = found.series[row]
    history = found.values[row, start:]
    backtested = None
    if result.mase is not None:
        backtested = {
            "mase": result.mase,
            "smape": result.smape,
            "naiveMase": result.naive_mase,
            "folds": result.folds,
        }
    mean = np.round(result.mean, DIGITS)
    bounds = np.round(result.bounds, DIGITS)
    return {
        "key": what.key,
        "productId": what.product_id,
        "level": ForecastLevel.PRODUCT.value if what.product_id else ForecastLevel.TOTAL.value,
        "unit": what.unit.value,
        "currency": what.currency,
        "history": [
            {"period": instants[start + t], "value": int(value)} for t, value in enumerate(history)
        ],
        "forecast": [
            {
                "period": period,
                "value": float(mean[k]),
                "lower95": float(bounds[k, 0]),
                "lower80": float(bounds[k, 1]),
                "upper80": float(bounds[k, 2]),
                "upper95": float(bounds[k, 3]),
            }
            for k, period in enumerate(future)
        ],
        "total": float(mean.sum()),
        "method": ForecastMethod(result.method).value,
        "model": result.model,
        "backtest": backtested,
    }


def _accuracy(documents: list[Document]) -> dict[str, Any]:
    """How the chosen models did in the backtest against seasonal naive, over all series."""
    scored = [doc["backtest"] for doc in documents if doc["backtest"]]
    if not scored:
        return {"series": 0, "mase": None, "naiveMase": None, "beatNaive": 0}
    return {
        "series": len(scored),
        "mase": float(np.mean([s["mase"] for s in scored])),
        "naiveMase": float(np.mean([s["naiveMase"] for s in scored])),
        "beatNaive": sum(s["mase"] < s["naiveMase"] for s in scored),
    }
