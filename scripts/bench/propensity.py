"""Propensity benchmark: feature building and a whole training (time split, fit, judge,
refit, score and explain everyone) per learner on a synthetic base, and the MongoDB side of
the job on the embedded store at a small size.

    .venv/bin/python scripts/bench/propensity.py [--customers 100000] [--db-customers 300]

The synthetic base plants the signal of tests/propensity/history.py (complainers stop
buying), built with NumPy. The SVM fits on a sample of ``SVM_SAMPLE`` rows when the window is
larger (the run says so). The database side seeds the demo (mongoeco's inserts cost
O(collection size), so its timings say nothing about MongoDB at scale) and times the history
load and the whole job with its score write-back.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

DAYS = 540
DAY = 86_400.0
HORIZON = 60


def synthetic(n: int, seed: int = 1) -> Any:
    """Histories of ``n`` customers: Poisson buyers, 30% of whom complain once and then
    mostly stop buying."""
    from app.propensity.features import Histories

    rng = np.random.default_rng(seed)
    joined = rng.uniform(0, DAYS * 0.6, n)
    rate = rng.uniform(1 / 60, 1 / 20, n)
    counts = rng.poisson(rate * (DAYS - joined))
    owner = np.repeat(np.arange(n), counts)
    at = rng.uniform(joined[owner], DAYS)
    complains = rng.random(n) < 0.3
    complaint_day = np.where(complains, rng.uniform(joined + 30, DAYS + 30), np.inf)
    kept = (at <= complaint_day[owner]) | (rng.random(owner.size) < 0.1)
    owner, at = owner[kept], at[kept]
    asked = np.flatnonzero(complains & (complaint_day < DAYS))
    questions = np.flatnonzero(rng.random(n) < 0.3)
    t_owner = np.concatenate([asked, questions])
    t_at = np.concatenate([complaint_day[asked], rng.uniform(joined[questions], DAYS)])
    complaint = np.concatenate([np.ones(asked.size), np.zeros(questions.size)])
    return Histories(
        customer_ids=list(range(n)),  # type: ignore[arg-type]
        order_owner=owner.astype(np.int64),
        order_at=at * DAY,
        order_total=rng.uniform(20, 90, owner.size),
        ticket_owner=t_owner.astype(np.int64),
        ticket_at=t_at * DAY,
        ticket_complaint=complaint,
        ticket_sentiment=np.where(complaint == 1, -0.8, 0.1),
    )


def python_side(n: int) -> None:
    from app.propensity.features import features_at
    from app.propensity.models import LEARNERS, PropensityTarget
    from app.propensity.training import train

    start = time.perf_counter()
    history = synthetic(n)
    print(
        f"{n:,} customers, {history.order_at.size:,} orders (synthetic in "
        f"{time.perf_counter() - start:.1f} s)"
    )
    start = time.perf_counter()
    people, _ = features_at(history, DAYS * DAY - HORIZON * DAY, HORIZON)
    print(f"features at one cut-off: {time.perf_counter() - start:.2f} s ({people.size:,} rows)")
    columns = ("model", "train+score s", "AUC", "lift@10%", "Brier", "RECENCY AUC", "notes")
    print(" | ".join(columns))
    for kind in LEARNERS:
        start = time.perf_counter()
        result = train(history, DAYS * DAY, HORIZON, PropensityTarget.CHURN, kind)
        elapsed = time.perf_counter() - start
        s = result.summary
        recency = next(b["auc"] for b in s["baselines"] if b["baseline"] == "RECENCY")
        notes = "; ".join(s["notes"]) or "-"
        print(
            f"{kind.value} | {elapsed:.1f} | {s['auc']:.3f} | {s['lift']:.2f} | "
            f"{s['brier']:.3f} | {recency:.3f} | {notes}"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MB")


async def database_part(customers: int) -> dict[str, float]:
    from app.core.db import Database
    from app.core.settings import Settings
    from app.demo.load import seed
    from app.demo.propensity import queue_propensity
    from app.jobs.worker import Worker
    from app.orders.repository import OrderRepository
    from app.propensity.jobs import load_histories
    from app.repositories import REPOSITORIES
    from app.schema import HANDLERS

    settings = Settings(data_file=":memory:")
    database = await Database.connect(settings)
    try:
        await database.ensure_indexes(REPOSITORIES)
        counts = await seed(database.db, customers=customers, progress=False)
        as_of = await OrderRepository(database.db).last_revenue_order_at()
        assert as_of is not None
        start = time.perf_counter()
        await load_histories(database.db, as_of)
        load_s = time.perf_counter() - start
        await queue_propensity(database.db)
        start = time.perf_counter()
        await Worker(database.db, settings, HANDLERS).run_once()
        job_s = time.perf_counter() - start
    finally:
        await database.close()
    return {"customers": customers, "orders": counts["orders"], "load_s": load_s, "job_s": job_s}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--db-customers", type=int, default=300)
    args = parser.parse_args()
    python_side(args.customers)
    db = asyncio.run(database_part(args.db_customers))
    print(
        f"Database side on the embedded store ({db['customers']} customers, {db['orders']} "
        f"orders): history load {db['load_s']:.2f} s, whole AUTO job with write-back "
        f"{db['job_s']:.2f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
