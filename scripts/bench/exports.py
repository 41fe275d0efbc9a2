"""Export benchmark: an EXPORT job of N customers (CSV and JSON Lines), rows/s and MB/s, and
the streamed download of the file through the app.

    .venv/bin/python scripts/bench/exports.py [--customers 100000]

The store is the embedded one in memory, or MongoDB with ``CRM_TEST_MONGODB_URL``. Customers
are inserted with insert_many (the insert is not timed).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.asgi import create_app  # noqa: E402
from app.core.db import Database  # noqa: E402
from app.core.settings import Settings  # noqa: E402
from app.customers.models import new_customer  # noqa: E402
from app.jobs.models import JobKind  # noqa: E402
from app.jobs.service import JobService  # noqa: E402
from app.jobs.worker import Worker  # noqa: E402
from app.repositories import REPOSITORIES  # noqa: E402
from app.schema import HANDLERS  # noqa: E402

BATCH = 5_000


async def run(customers: int) -> None:
    url = os.environ.get("CRM_TEST_MONGODB_URL")
    settings = Settings(mongodb_url=url, data_file=":memory:", database="crm_bench_exports")
    database = await Database.connect(settings)
    try:
        await database.client.drop_database(settings.database)
        await database.ensure_indexes(REPOSITORIES)
        now = datetime.now(UTC)
        for start in range(0, customers, BATCH):
            docs = [
                new_customer(
                    {
                        "name": f"Customer {n}",
                        "email": f"c{n}@example.com",
                        "phone": f"+44 20 7946 {n % 10_000:04d}",
                        "company": f"Co {n % 97}",
                        "tags": ["vip"] if n % 5 == 0 else [],
                        "lifecycleStage": "CUSTOMER",
                    },
                    now,
                )
                for n in range(start, min(start + BATCH, customers))
            ]
            await database.db["customers"].insert_many(docs)
        worker = Worker(database.db, settings, HANDLERS)
        for file_format in ("CSV", "JSONL"):
            job = await JobService(database.db).start(
                JobKind.EXPORT,
                {"entity": "CUSTOMERS", "format": file_format, "query": {}, "role": "ADMIN"},
            )
            began = time.perf_counter()
            while await worker.run_once():
                pass
            seconds = time.perf_counter() - began
            done = await database.db["jobs"].find_one({"_id": job["_id"]})
            assert done is not None, job
            assert done["status"] == "SUCCEEDED", done
            result = done["result"]
            mb = result["bytes"] / 1e6
            print(
                f"export {file_format}: {result['rows']:,} rows, {mb:.1f} MB in {seconds:.1f} s"
                f" = {result['rows'] / seconds:,.0f} rows/s, {mb / seconds:.1f} MB/s"
            )
            transport = httpx.ASGITransport(app=create_app(settings, database))
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as api:
                began = time.perf_counter()
                size = 0
                async with api.stream("GET", result["url"]) as response:
                    async for chunk in response.aiter_bytes():
                        size += len(chunk)
                seconds = time.perf_counter() - began
            print(
                f"download {file_format}: {size / 1e6:.1f} MB in {seconds:.1f} s"
                f" = {size / 1e6 / seconds:.1f} MB/s"
            )
    finally:
        await database.client.drop_database(settings.database)
        await database.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=100_000)
    args = parser.parse_args()
    asyncio.run(run(args.customers))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
