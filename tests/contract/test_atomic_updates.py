"""Single-document updates are atomic: a guarded update wins once under concurrency, $inc and
$push never lose a concurrent write."""

from __future__ import annotations

import asyncio

from pymongo import ReturnDocument

from app.core.db import Database


async def test_a_guarded_update_succeeds_for_exactly_one_of_many(database: Database) -> None:
    orders = database.db["contract_orders"]
    created = await orders.insert_one({"status": "PENDING"})

    async def pay(attempt: int) -> bool:
        updated = await orders.find_one_and_update(
            {"_id": created.inserted_id, "status": "PENDING"},
            {"$set": {"status": "PAID", "by": attempt}},
            return_document=ReturnDocument.AFTER,
        )
        return updated is not None

    results = await asyncio.gather(*(pay(i) for i in range(20)))
    assert results.count(True) == 1


async def test_increments_and_pushes_are_never_lost(database: Database) -> None:
    tickets = database.db["contract_tickets"]
    created = await tickets.insert_one({"messages": [], "revision": 0})

    async def write(i: int) -> None:
        await tickets.update_one(
            {"_id": created.inserted_id},
            {"$push": {"messages": {"n": i}}, "$inc": {"revision": 1}},
        )

    await asyncio.gather(*(write(i) for i in range(30)))
    ticket = await tickets.find_one({"_id": created.inserted_id})
    assert ticket is not None
    assert ticket["revision"] == 30
    assert sorted(m["n"] for m in ticket["messages"]) == list(range(30))


async def test_a_counter_upserted_concurrently_counts_every_call(database: Database) -> None:
    counters = database.db["contract_counters"]

    async def next_value() -> int:
        document = await counters.find_one_and_update(
            {"_id": "orders"},
            {"$inc": {"value": 1}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        assert document is not None
        return int(document["value"])

    await next_value()  # the counter exists: MongoDB may race two first upserts on _id
    values = await asyncio.gather(*(next_value() for _ in range(25)))
    assert sorted(values) == list(range(2, 27))
