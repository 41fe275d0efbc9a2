"""Segmentation benchmark: prints time and peak memory of feature building, fitting and
write-back for synthetic customer bases, and the fit time (log-scaling + KMeans, as the job
runs it) against plain scikit-learn KMeans with the same parameters on the same array.

    .venv/bin/python scripts/bench/segmentation.py [--sizes 10000 100000 1000000]

Each size runs in a fresh process so its peak RSS is its own. The Python side (features as
arrays, RFM, scaling, KMeans, building assignment documents) is measured at every size; the
database side (the aggregation over orders, bulk writes) is measured separately on the embedded
store at a small size, since mongoeco's inserts cost O(collection size) and say nothing about
MongoDB.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import resource
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

K = 5


def synthetic(n: int, seed: int = 1) -> Any:
    from app.segmentation.clustering import Features

    rng = np.random.default_rng(seed)
    frequency = rng.geometric(0.35, n).astype(np.float64)
    monetary = frequency * rng.lognormal(mean=8.5, sigma=0.8, size=n)
    recency = rng.exponential(120, n).clip(0, 548)
    tenure = recency + rng.exponential(200, n)
    return Features(list(range(n)), recency, frequency, monetary.round(), tenure)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(n: int, queue: Any) -> None:
    from sklearn.cluster import KMeans
    from threadpoolctl import threadpool_limits

    from app.segmentation.clustering import (
        SEED,
        describe,
        fit_clusters,
        sample_silhouette,
        scaled_matrix,
    )
    from app.segmentation.jobs import assignments
    from app.segmentation.rfm import rfm_table

    row: dict[str, float] = {"n": n}
    start = time.perf_counter()
    features = synthetic(n)
    rfm = rfm_table(features.recency, features.frequency, features.monetary)
    row["features_s"] = time.perf_counter() - start  # arrays + RFM scores and groups
    with threadpool_limits(limits=1):  # as segment() runs
        KMeans(n_clusters=2, n_init=1, random_state=SEED).fit(
            np.random.default_rng(0).random((100, 5))
        )  # warm-up
        start = time.perf_counter()
        scaled = scaled_matrix(features)
        k, labels, _ = fit_clusters(scaled, K)
        row["fit_s"] = time.perf_counter() - start
        start = time.perf_counter()
        KMeans(n_clusters=K, n_init=4, random_state=SEED).fit(scaled)
        row["plain_kmeans_s"] = time.perf_counter() - start
        start = time.perf_counter()
        silhouette = sample_silhouette(scaled, labels)
        row["silhouette_s"] = time.perf_counter() - start
    result = describe(features, k, labels, silhouette, rfm, "USD")
    start = time.perf_counter()
    for first in range(0, n, 1000):
        assignments(features, result, "USD", first, first + 1000)
    row["writeback_build_s"] = time.perf_counter() - start  # assignment documents, no I/O
    row["peak_mb"] = peak_mb()
    queue.put(row)


async def database_part(customers: int) -> dict[str, float]:
    from app.core.db import Database
    from app.core.settings import Settings
    from app.demo.load import seed
    from app.jobs.models import JobKind
    from app.jobs.repository import JobRepository
    from app.jobs.worker import Worker
    from app.repositories import REPOSITORIES
    from app.schema import HANDLERS
    from app.segmentation.jobs import build_features

    settings = Settings(data_file=":memory:")
    database = await Database.connect(settings)
    try:
        await database.ensure_indexes(REPOSITORIES)
        counts = await seed(database.db, customers=customers, progress=False)
        now = datetime.now(UTC)
        start = time.perf_counter()
        await build_features(database.db, now)
        features_s = time.perf_counter() - start
        await JobRepository(database.db).enqueue(JobKind.SEGMENTATION, {"asOf": now, "k": K}, now)
        start = time.perf_counter()
        await Worker(database.db, settings, HANDLERS).run_once()
        job_s = time.perf_counter() - start
    finally:
        await database.close()
    return {
        "customers": customers,
        "orders": counts["orders"],
        "features_s": features_s,
        "job_s": job_s,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--db-customers", type=int, default=300)
    args = parser.parse_args()
    context = multiprocessing.get_context("spawn")
    print(f"k={K}; Python side (each size in a fresh process; RSS is the process peak):")
    columns = (
        "customers",
        "features s",
        "fit s",
        "plain KMeans s",
        "fit ratio",
        "silhouette s",
        "rows s",
        "peak MB",
    )
    print(" ".join(f"{c:>14}" for c in columns))
    for n in args.sizes:
        queue = context.Queue()
        process = context.Process(target=measure, args=(n, queue))
        process.start()
        row = queue.get()
        process.join()
        values = (
            f"{n:,}",
            f"{row['features_s']:.2f}",
            f"{row['fit_s']:.2f}",
            f"{row['plain_kmeans_s']:.2f}",
            f"{row['fit_s'] / row['plain_kmeans_s']:.2f}",
            f"{row['silhouette_s']:.2f}",
            f"{row['writeback_build_s']:.2f}",
            f"{row['peak_mb']:.0f}",
        )
        print(" ".join(f"{v:>14}" for v in values))
    db = asyncio.run(database_part(args.db_customers))
    print(
        f"Database side on the embedded store ({db['customers']} customers, "
        f"{db['orders']} orders): feature aggregation {db['features_s']:.2f} s, "
        f"whole job with write-back {db['job_s']:.2f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
