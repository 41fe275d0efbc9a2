"""Sales forecast benchmark: 1,000 product series x 36 months and 10,000 x 104 weeks.

Two stages, each configuration in a fresh process so that its peak memory is its own:

- ``models``: the model stage alone (the backtest of every method and the final fits) on
  synthetic series held in memory, in this process's CPU thread and over a process pool
  (``CRM_FORECAST_PROCESSES``).
- ``job``: end to end through the SALES_FORECAST job: the orders are written to a fresh store
  first (not timed), then the job runs: the demand pipeline in MongoDB, the models, the writes
  of the series. The aggregation is also timed alone.

    .venv/bin/python scripts/bench/forecast.py [--stage models job] [--cases month week]
        [--processes 0 2] [--mongodb-url URL]

Without ``--mongodb-url`` the job stage runs on the embedded store, in its own process as
``crm serve`` runs it.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import resource
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

CASES = {"month": ("MONTH", 1_000, 36, 12), "week": ("WEEK", 10_000, 104, 13)}
LINES_PER_ORDER = 40


def synthetic(series: int, periods: int, season: int, seed: int = 1) -> np.ndarray:
    """A mix a shop has: seasonal sellers, trending ones, flat ones, slow movers."""
    rng = np.random.default_rng(seed)
    t = np.arange(periods)
    kind = rng.integers(0, 4, series)
    level = rng.lognormal(2.5, 0.8, series)[:, None]
    wave = 1 + 0.4 * np.sin(2 * np.pi * (t[None, :] + rng.integers(0, season, series)[:, None])
                            / season)  # fmt: skip
    growth = 1 + rng.normal(0.01, 0.01, series)[:, None] * t[None, :]
    rate = np.where((kind == 0)[:, None], level * wave, level)
    rate = np.where((kind == 1)[:, None], level * growth.clip(0.1), rate)
    rate = np.where((kind == 3)[:, None], 0.3 * np.ones_like(rate), rate)
    return rng.poisson(rate.clip(0)).astype(np.float64)


def peak_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def models(case: str, processes: int, out: Any) -> None:
    from app.core.cpu import map_cpu
    from app.forecasting import backtest
    from app.forecasting.models import SEASON, ForecastInterval

    interval, series, periods, horizon = CASES[case]
    m = SEASON[ForecastInterval(interval)]
    values = synthetic(series, periods, m)
    work = backtest.tasks(values)
    arguments = [(values[task.rows, task.start :], horizon, m) for task in work]

    async def nothing(done: int) -> None:
        pass

    start = time.perf_counter()
    results = asyncio.run(map_cpu(backtest.forecast, arguments, processes, nothing))
    seconds = time.perf_counter() - start
    multiprocessing.active_children()  # reap the pool's workers, so their peak counts
    chosen = Counter(r.method for chunk in results for r in chunk)
    own, children = peak_mb()
    out.put({"stage": "models", "case": case, "processes": processes, "seconds": seconds,
             "series/s": series / seconds, "peak_mb": own, "children_peak_mb": children,
             "chosen": dict(chosen)})  # fmt: skip


async def _job(case: str, processes: int, url: str | None) -> dict[str, Any]:
    from app.core.db import Database
    from app.core.settings import Settings
    from app.forecasting import demand
    from app.forecasting.jobs import run_sales_forecast
    from app.forecasting.models import SEASON, ForecastInterval, ForecastLevel
    from app.jobs.models import JobKind
    from app.jobs.service import JobService
    from app.jobs.worker import Worker
    from app.repositories import REPOSITORIES

    interval, series, periods, horizon = CASES[case]
    step = ForecastInterval(interval)
    m = SEASON[step]
    settings = Settings(
        mongodb_url=url, data_file=":memory:", database=f"bench_forecast_{case}",
        forecast_processes=processes,
    )  # fmt: skip
    database = await Database.connect(settings)
    db = database.db
    await database.client.drop_database(db.name)
    await database.ensure_indexes(REPOSITORIES)
    as_of = datetime(2026, 11, 30, tzinfo=UTC)  # a Monday: weeks and the month line up
    values = synthetic(series, periods, m)
    starts = demand.window(as_of, step, settings.zone)[-periods - 1 : -1]
    orders: list[dict[str, Any]] = []
    written = time.perf_counter()
    number = 0
    for t, local in enumerate(starts):
        at = local.replace(tzinfo=UTC) + timedelta(hours=12)
        sold = np.flatnonzero(values[:, t])
        for first in range(0, len(sold), LINES_PER_ORDER):
            lines = [
                {"productId": int(p), "sku": f"P{p:05d}", "name": "x",
                 "quantity": int(values[p, t]), "unitPrice": 1000}
                for p in sold[first : first + LINES_PER_ORDER]
            ]  # fmt: skip
            number += 1
            orders.append({"number": f"B{number:07d}", "customerId": number % 500,
                           "items": lines, "currency": "USD", "status": "DELIVERED",
                           "total": 0, "placedAt": at})  # fmt: skip
        if len(orders) >= 500:
            await db.orders.insert_many(orders)
            orders = []
    if orders:
        await db.orders.insert_many(orders)
    written = time.perf_counter() - written
    start = time.perf_counter()
    found = await demand.load(db, as_of=as_of, interval=step, level=ForecastLevel.PRODUCT,
                              zone=settings.zone, product_ids=None, warehouse_id=None)  # fmt: skip
    aggregation = time.perf_counter() - start
    assert found.values.shape[0] == series, found.values.shape
    params = {"interval": interval, "horizon": horizon, "asOf": as_of, "level": "PRODUCT",
              "productIds": None, "warehouseId": None, "timezone": "UTC"}  # fmt: skip
    job = await JobService(db).start(JobKind.SALES_FORECAST, params)
    start = time.perf_counter()
    worker = Worker(db, settings, {JobKind.SALES_FORECAST: run_sales_forecast})
    await worker.run_once()
    seconds = time.perf_counter() - start
    finished = await db.jobs.find_one({"_id": job["_id"]})
    assert finished is not None
    assert finished["status"] == "SUCCEEDED", finished["error"]
    count = await db.forecast_series.count_documents({"forecastId": job["_id"]})
    await database.client.drop_database(db.name)
    await database.close()
    own, children = peak_mb()
    return {"stage": "job", "case": case, "processes": processes, "orders": number,
            "order_lines": int((values > 0).sum()), "insert_s (untimed)": round(written, 1),
            "aggregation_s": aggregation, "job_s": seconds, "series": count,
            "peak_mb": own, "children_peak_mb": children}  # fmt: skip


def job(case: str, processes: int, url: str | None, out: Any) -> None:
    out.put(asyncio.run(_job(case, processes, url)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stage", nargs="+", default=["models", "job"], choices=["models", "job"])
    parser.add_argument("--cases", nargs="+", default=list(CASES), choices=list(CASES))
    parser.add_argument("--processes", nargs="+", type=int, default=[0, 2])
    parser.add_argument("--mongodb-url", default=None)
    args = parser.parse_args()
    context = multiprocessing.get_context("spawn")
    for stage in args.stage:
        for case in args.cases:
            for processes in args.processes:
                out = context.Queue()
                target, extra = (models, ()) if stage == "models" else (job, (args.mongodb_url,))
                process = context.Process(target=target, args=(case, processes, *extra, out))
                process.start()
                row = out.get(timeout=3600)
                process.join(timeout=60)
                print({k: round(v, 2) if isinstance(v, float) else v for k, v in row.items()},
                      flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
