"""What erasing one customer costs as their history grows: seconds per eraser for a customer
with N orders, N tickets of 5 messages each and N audit entries, beside 20,000 other
customers' orders; embedded store (memory engine) and MongoDB when CRM_TEST_MONGODB_URL is set.

    .venv/bin/python scripts/bench/erase.py [--sizes 100 1000 5000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bson import ObjectId  # noqa: E402
from pymongo import AsyncMongoClient  # noqa: E402

from app.core.db import Database  # noqa: E402
from app.core.store import EmbeddedStore  # noqa: E402
from app.graphql.relay import encode_id  # noqa: E402
from app.privacy.registry import erasers  # noqa: E402
from app.privacy.service import ErasureService  # noqa: E402
from app.repositories import REPOSITORIES  # noqa: E402

BACKGROUND_ORDERS = 20_000
BATCH = 1000


def _order(i: int, customer_id: ObjectId, now: datetime, note: str | None) -> dict[str, Any]:
    return {
        "number": f"B-{customer_id}-{i}",
        "customerId": customer_id,
        "items": [],
        "currency": "USD",
        "total": 100 + i,
        "status": "PAID",
        "placedAt": now,
        "statusHistory": [{"status": "PAID", "at": now, "note": note}],
        "createdAt": now,
        "updatedAt": now,
    }


async def _load(db: Any, name: str, documents: list[dict[str, Any]]) -> None:
    for start in range(0, len(documents), BATCH):
        await db[name].insert_many(documents[start : start + BATCH])


async def run(url: str, database: str, size: int) -> dict[str, float]:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(url)
    await client.drop_database(database)
    db = client[database]
    wrapped = Database(client=client, db=db)  # type: ignore[call-arg]
    await wrapped.ensure_indexes(REPOSITORIES)
    now = datetime.now(UTC)
    others = [ObjectId() for _ in range(BACKGROUND_ORDERS // 10)]
    await _load(
        db,
        "customers",
        [
            {"_id": c, "name": f"Other {i}", "email": f"o{i}@example.com", "createdAt": now}
            for i, c in enumerate(others)
        ],
    )
    await _load(
        db,
        "orders",
        [_order(i, others[i % len(others)], now, None) for i in range(BACKGROUND_ORDERS)],
    )
    me = ObjectId()
    await db["customers"].insert_one(
        {
            "_id": me,
            "name": "Zelda Quixote",
            "email": "zelda@example.com",
            "phone": "+44 20 7946 0958",
            "createdAt": now,
        }
    )
    await _load(db, "orders", [_order(i, me, now, f"Zelda Quixote #{i}") for i in range(size)])
    tickets = [
        {
            "_id": ObjectId(),
            "number": f"T-{i}",
            "customerId": me,
            "subject": "Zelda's parcel",
            "body": "From zelda@example.com",
            "createdAt": now,
            "status": "OPEN",
            "messages": [
                {
                    "body": f"message {m} from Zelda",
                    "author": "Zelda Quixote",
                    "fromCustomer": m % 2 == 0,
                    "at": now,
                }
                for m in range(5)
            ],
        }
        for i in range(size)
    ]
    await _load(db, "tickets", tickets)
    await _load(
        db,
        "audit_log",
        [
            {
                "at": now,
                "objectId": encode_id("Ticket", t["_id"]),
                "mutation": "updateTicket",
                "actor": {"role": "ADMIN", "name": "admin"},
                "changes": [{"field": "subject", "old": "Zelda", "new": "Zelda Q"}],
            }
            for t in tickets
        ],
    )
    service = ErasureService(db)
    times: dict[str, float] = {}
    originals = {e.place: e.erase for e in erasers()}
    for eraser in erasers():

        async def timed(d: Any, s: Any, _place: str = eraser.place) -> int:
            started = time.perf_counter()
            count = await originals[_place](d, s)
            times[_place] = time.perf_counter() - started
            return count

        object.__setattr__(eraser, "erase", timed)
    started = time.perf_counter()
    await service.erase(me, "benchmark")
    times["total"] = time.perf_counter() - started
    for eraser in erasers():
        object.__setattr__(eraser, "erase", originals[eraser.place])
    await client.drop_database(database)
    await client.close()
    return times


async def main(sizes: list[int]) -> None:
    targets: list[tuple[str, str]] = []
    store = await EmbeddedStore.open(":memory:")
    try:
        targets.append(("embedded memory", store.uri))
        url = os.environ.get("CRM_TEST_MONGODB_URL")
        if url:
            targets.append(("MongoDB", url))
        for label, target in targets:
            for size in sizes:
                times = await run(target, "crm_bench_erase", size)
                parts = "  ".join(f"{k} {v:.2f}s" for k, v in times.items())
                print(f"{label:16} N={size:>6}: {parts}", flush=True)
    finally:
        await store.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000])
    asyncio.run(main(parser.parse_args().sizes))
