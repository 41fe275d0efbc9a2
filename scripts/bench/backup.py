"""Backup and restore throughput of a store of ``--documents`` documents (customers and their
orders, 2:1), on the embedded store's SQLite file (or on MongoDB with
``CRM_TEST_MONGODB_URL``): documents/s and MB/s of the archive, both ways, and the verify pass.

    .venv/bin/python scripts/bench/backup.py [--documents 100000]

Loading the store uses the embedded store's own batch insert (``insert_many``), as a restore
does. Webhook delivery is measured by scripts/bench/webhooks.py.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bson import Decimal128, ObjectId  # noqa: E402

from app.backup.service import backup, restore, verify  # noqa: E402
from app.core.db import Database  # noqa: E402
from app.core.settings import Settings  # noqa: E402

BATCH = 5000


async def run(documents: int) -> None:
    url = os.environ.get("CRM_TEST_MONGODB_URL")
    with tempfile.TemporaryDirectory(prefix="crm-bench-backup-") as folder:
        settings = Settings(
            mongodb_url=url, data_file=str(Path(folder) / "crm.sqlite"), database="crm_bench"
        )
        database = await Database.connect(settings)
        try:
            db = database.db
            await db["customers"].drop()
            await db["orders"].drop()
            customers = documents // 3
            started = time.perf_counter()
            ids = [ObjectId() for _ in range(customers)]
            for start in range(0, customers, BATCH):
                await db["customers"].insert_many(
                    [
                        {"_id": i, "name": f"Customer {n}", "email": f"c{n}@example.com"}
                        for n, i in enumerate(ids[start : start + BATCH], start)
                    ]
                )
            orders = documents - customers
            for start in range(0, orders, BATCH):
                await db["orders"].insert_many(
                    [
                        {"customerId": ids[n % customers], "total": Decimal128("19.90"), "n": n}
                        for n in range(start, min(start + BATCH, orders))
                    ]
                )
            print(f"loaded {documents:,} documents in {time.perf_counter() - started:.1f} s")
            archive = Path(folder) / "crm.tar.gz"
            written = await backup(database.client, settings, archive)
            size = written.bytes / 1e6
            print(
                f"backup: {written.documents:,} documents in {written.seconds:.1f} s = "
                f"{written.documents / written.seconds:,.0f} documents/s, archive {size:.1f} MB "
                f"({size / written.seconds:.2f} MB/s); consistency: {written.consistency}"
            )
            started = time.perf_counter()
            await verify(archive)
            took = time.perf_counter() - started
            print(f"verify: {took:.1f} s ({size / took:.1f} MB/s)")
            target = database.client["crm_bench_restored"]
            started = time.perf_counter()
            await restore(target, archive, drop=True)
            took = time.perf_counter() - started
            print(
                f"restore: {written.documents:,} documents in {took:.1f} s = "
                f"{written.documents / took:,.0f} documents/s ({size / took:.2f} MB/s)"
            )
            await database.client.drop_database("crm_bench_restored")
        finally:
            await database.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=100_000)
    args = parser.parse_args()
    asyncio.run(run(args.documents))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
