"""TTL indexes: declared on a single date field, they delete documents once expired (MongoDB's
monitor runs every 60 s; the embedded store purges on its next write)."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

from pymongo import ASCENDING, IndexModel

from app.core.db import Database

LIMIT_SECONDS = 150  # two passes of MongoDB's TTL monitor, and margin


async def test_expired_documents_are_deleted(database: Database) -> None:
    buckets = database.db["contract_buckets"]
    await buckets.create_indexes(
        [IndexModel([("updatedAt", ASCENDING)], expireAfterSeconds=1, name="expire")]
    )
    information = await buckets.index_information()
    assert information["expire"]["expireAfterSeconds"] == 1
    old = datetime.now(UTC) - timedelta(hours=1)
    await buckets.insert_many([{"_id": "old", "updatedAt": old}, {"_id": "text", "updatedAt": "x"}])
    deadline = time.monotonic() + LIMIT_SECONDS
    while await buckets.count_documents({"_id": "old"}):
        assert time.monotonic() < deadline, "the expired document was never deleted"
        await buckets.insert_one({"updatedAt": datetime.now(UTC)})  # the embedded store purges here
        await asyncio.sleep(1)
    assert await buckets.count_documents({"_id": "text"}) == 1  # only dates expire
