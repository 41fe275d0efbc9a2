"""What the store costs per operation as a collection grows: the embedded store's SQLite and
memory engines (each a `crm db` process, as the app runs them), and MongoDB when
CRM_TEST_MONGODB_URL is set.

    .venv/bin/python scripts/bench/store.py [--sizes 1000 5000 20000 100000] \
        [--engines sqlite memory]

The collection has the CRM's customers indexes (a unique email, a text index, sort keys, a
multikey tags index). At each size it times, over the driver: insert_one, an upsert on the
email, find by _id, find by email, a sorted page (the customers list), a filtered page
(lifecycle stage), a tag-filtered page, a text search, and one 1,000-document insert_many.
Each operation runs for about a second (at least 3 calls); an operation whose single call
passes 20 s is not run at larger sizes, and growth stops when the next size would take more
than 15 minutes to load. Figures are milliseconds per call (per document for the batch).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bson import ObjectId  # noqa: E402
from pymongo import AsyncMongoClient  # noqa: E402

from app.core.store import EmbeddedStore  # noqa: E402
from app.customers.repository import CustomerRepository  # noqa: E402

TAGS = ["vip", "newsletter", "wholesale", "b2b", "referral", "early-adopter"]
STAGES = ["LEAD", "PROSPECT", "CUSTOMER", "CHURNED"]
SORT = [("createdAt", -1), ("_id", -1)]
CALL_LIMIT_SECONDS = 20.0
LOAD_LIMIT_SECONDS = 900.0
OPERATIONS = (
    "insert_one",
    "upsert",
    "find _id",
    "find email",
    "sorted page",
    "filtered page",
    "tag page",
    "text search",
    "batch 1,000 (per doc)",
)


class Documents:
    def __init__(self) -> None:
        self.rng = random.Random(1)
        self.count = 0
        self.now = datetime.now(UTC)

    def make(self) -> dict[str, Any]:
        self.count += 1
        n = self.count
        return {
            "_id": ObjectId(),
            "name": f"Customer {n} {self.rng.choice(['Li', 'Smith', 'Garcia', 'Wang'])}",
            "email": f"customer{n}@example.com",
            "phone": f"+1 555 {n:07d}",
            "company": f"Company {n % 500}" if n % 3 == 0 else None,
            "address": {"city": "Springfield", "country": "US"},
            "tags": sorted(self.rng.sample(TAGS, k=self.rng.choice([0, 0, 1, 1, 2]))),
            "lifecycleStage": self.rng.choice(STAGES),
            "createdAt": self.now - timedelta(minutes=n),
            "updatedAt": self.now,
            "archivedAt": None,
        }


async def timed(call: Callable[[], Awaitable[Any]]) -> float:
    """Mean milliseconds per call over about a second (3 calls at least, 50 at most)."""
    times: list[float] = []
    started = time.perf_counter()
    while len(times) < 3 or (time.perf_counter() - started < 1.0 and len(times) < 50):
        begun = time.perf_counter()
        await call()
        times.append(time.perf_counter() - begun)
        if times[-1] > CALL_LIMIT_SECONDS:
            break
    return statistics.mean(times) * 1000


async def measure(collection: Any, documents: Documents) -> dict[str, float]:
    probe = documents.count // 2
    known = await collection.find_one({"email": f"customer{max(probe, 1)}@example.com"})
    assert known is not None
    results = {
        "insert_one": await timed(lambda: collection.insert_one(documents.make())),
        "upsert": await timed(
            lambda: collection.update_one(
                {"email": f"new{documents.make()['email']}"},
                {"$set": {"name": "x"}, "$setOnInsert": {"createdAt": documents.now}},
                upsert=True,
            )
        ),
        "find _id": await timed(lambda: collection.find_one({"_id": known["_id"]})),
        "find email": await timed(lambda: collection.find_one({"email": known["email"]})),
        "sorted page": await timed(
            lambda: collection.find({"archivedAt": None}, sort=SORT).limit(21).to_list()
        ),
        "filtered page": await timed(
            lambda: (
                collection.find({"lifecycleStage": "CUSTOMER", "archivedAt": None}, sort=SORT)
                .limit(21)
                .to_list()
            )
        ),
        "tag page": await timed(
            lambda: (
                collection.find(
                    {"tags": {"$elemMatch": {"$eq": "vip"}}, "archivedAt": None}, sort=SORT
                )
                .limit(21)
                .to_list()
            )
        ),
        "text search": await timed(
            lambda: (
                collection.find({"$text": {"$search": f"customer{probe}@example.com"}})
                .limit(10)
                .to_list()
            )
        ),
    }
    batch = [documents.make() for _ in range(1000)]
    begun = time.perf_counter()
    await collection.insert_many(batch, ordered=False)
    results["batch 1,000 (per doc)"] = (time.perf_counter() - begun) * 1000 / len(batch)
    return results


async def grow(collection: Any, documents: Documents, target: int) -> float:
    """Insert until the collection holds ``target`` documents; seconds per document."""
    started = time.perf_counter()
    added = 0
    while documents.count < target:
        batch = [documents.make() for _ in range(min(1000, target - documents.count))]
        await collection.insert_many(batch, ordered=False)
        added += len(batch)
    return (time.perf_counter() - started) / max(added, 1)


async def run_engine(name: str, uri: str, sizes: list[int]) -> dict[int, dict[str, float]]:
    client: AsyncMongoClient[Any] = AsyncMongoClient(uri, tz_aware=True)
    collection = client["crm_bench"]["customers"]
    await client.drop_database("crm_bench")
    await collection.create_indexes(list(CustomerRepository.indexes))
    documents = Documents()
    table: dict[int, dict[str, float]] = {}
    per_doc = 0.0
    try:
        for size in sizes:
            if per_doc * (size - documents.count) > LOAD_LIMIT_SECONDS:
                print(
                    f"  {name}: loading {size:,} would take over {LOAD_LIMIT_SECONDS:.0f} s; stop"
                )
                break
            per_doc = await grow(collection, documents, size)
            print(
                f"  {name}: {size:,} documents (loaded at {per_doc * 1000:.2f} ms/doc)", flush=True
            )
            table[size] = await measure(collection, documents)
    finally:
        await client.drop_database("crm_bench")
        await client.close()
    return table


def print_table(results: dict[str, dict[int, dict[str, float]]], sizes: list[int]) -> None:
    for engine, table in results.items():
        print(f"\n{engine}: ms per call")
        print("| operation | " + " | ".join(f"{size:,}" for size in sizes) + " |")
        print("|---|" + "---:|" * len(sizes))
        for operation in OPERATIONS:
            cells = [f"{table[size][operation]:.1f}" if size in table else "n/r" for size in sizes]
            print(f"| {operation} | " + " | ".join(cells) + " |")


async def main(sizes: list[int], engines: list[str]) -> None:
    results: dict[str, dict[int, dict[str, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="crm-store-bench-") as folder:
        for engine in engines:
            data_file = ":memory:" if engine == "memory" else str(Path(folder) / "bench.sqlite")
            store = await EmbeddedStore.open(data_file)
            try:
                results[f"embedded {engine}"] = await run_engine(engine, store.uri, sizes)
            finally:
                await store.close()
    url = os.environ.get("CRM_TEST_MONGODB_URL")
    if url:
        results["MongoDB"] = await run_engine("mongodb", url, sizes)
    print_table(results, sizes)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000, 100000])
    parser.add_argument("--engines", nargs="+", default=["sqlite", "memory"])
    arguments = parser.parse_args()
    asyncio.run(main(sorted(arguments.sizes), arguments.engines))
