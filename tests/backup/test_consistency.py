"""A backup taken while writers go on is one point in time: every order in it has its
customer, every ticket message its ticket (the writer always writes the parent first)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from pathlib import Path
from typing import Any

from bson import ObjectId
from pymongo import AsyncMongoClient

from app.backup.service import backup, restore
from app.core.db import Database
from app.core.settings import Settings
from app.core.store import EmbeddedStore

WRITE_SECONDS_LIMIT = 120


async def writer(db: Any, stop: asyncio.Event, going: asyncio.Event, written: list[int]) -> None:
    """Customer, then its order, then a second order: forever, until ``stop``."""
    deadline = time.monotonic() + WRITE_SECONDS_LIMIT
    while not stop.is_set() and time.monotonic() < deadline:
        customer = ObjectId()
        await db["customers"].insert_one({"_id": customer, "email": f"{customer}@example.com"})
        await db["orders"].insert_one({"customerId": customer, "n": 1})
        await db["orders"].insert_one({"customerId": customer, "n": 2})
        written.append(1)
        if len(written) == 5:
            going.set()


async def test_a_backup_during_writes_restores_without_orphans(
    database: Database, tmp_path: Path
) -> None:
    data_file = tmp_path / "crm.sqlite"
    store = await EmbeddedStore.open(str(data_file))
    client: AsyncMongoClient[Any] = AsyncMongoClient(store.uri, tz_aware=True)
    restored = database.client["crm_consistency_restore"]
    try:
        db = client["crm"]
        # Enough already there that the copy takes a while, collection by collection.
        await db["customers"].insert_many([{"email": f"old{i}@example.com"} for i in range(3000)])
        await db["orders"].insert_many([{"n": i} for i in range(3000)])
        stop, going, written = asyncio.Event(), asyncio.Event(), []
        writing = asyncio.create_task(writer(db, stop, going, written))
        await asyncio.wait_for(going.wait(), 60)
        before = len(written)
        settings = Settings(data_file=str(data_file), database="crm")
        result = await backup(client, settings, tmp_path / "crm.tar.gz")
        during = len(written) - before
        stop.set()
        with contextlib.suppress(asyncio.CancelledError):
            await writing
        assert during > 0, "nothing was written while the backup ran"
        assert result.consistency.startswith("snapshot")
        await restore(restored, tmp_path / "crm.tar.gz", drop=True)
        customers = {doc["_id"] async for doc in restored["customers"].find({}, {"_id": 1})}
        every = await restored["orders"].find({}).to_list()
        orders = [order for order in every if "customerId" in order]
        assert orders
        orphans = [order for order in orders if order["customerId"] not in customers]
        assert orphans == []
        per_customer: dict[Any, int] = {}
        for order in orders:
            per_customer[order["customerId"]] = per_customer.get(order["customerId"], 0) + 1
        # A customer's two orders are two writes: the snapshot may fall between them, never
        # before the customer.
        assert set(per_customer.values()) <= {1, 2}
        assert await db["customers"].count_documents({}) > await restored[
            "customers"
        ].count_documents({})
    finally:
        await database.client.drop_database("crm_consistency_restore")
        await client.close()
        await store.close()
