"""Past the embedded store's comfortable size, the server says so: once in the log, and in
/readyz for as long as it lasts."""

from __future__ import annotations

import logging

import pytest

from app.core.capacity import CapacityWatch
from app.core.db import Database


async def test_a_collection_past_the_limit_is_reported_once(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    await database.db["customers"].insert_many([{"email": f"{i}@x"} for i in range(21)])
    watch = CapacityWatch(database.db, limit=20)  # the default taxonomy holds 11 tags
    with caplog.at_level(logging.WARNING, logger="app.core.capacity"):
        await watch.check()
        await watch.check()
    assert watch.warnings == [
        "customers holds 21 documents; the embedded store is comfortable up to 20 per "
        "collection: move to MongoDB (CRM_MONGODB_URL)"
    ]
    assert len(caplog.records) == 1
    await database.db["customers"].delete_many({"email": {"$in": ["0@x", "1@x"]}})
    await watch.check()
    assert watch.warnings == []
