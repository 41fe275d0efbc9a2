"""find_one_and_update returns the document before or after, upserts build the new document from
the filter's equalities, and $setOnInsert applies only when inserting."""

from __future__ import annotations

from pymongo import ReturnDocument

from app.core.db import Database


async def test_before_and_after(database: Database) -> None:
    items = database.db["contract_items"]
    await items.insert_one({"_id": "a", "n": 1})
    before = await items.find_one_and_update({"_id": "a"}, {"$inc": {"n": 1}})
    after = await items.find_one_and_update(
        {"_id": "a"}, {"$inc": {"n": 1}}, return_document=ReturnDocument.AFTER
    )
    assert before == {"_id": "a", "n": 1}
    assert after == {"_id": "a", "n": 3}
    assert await items.find_one_and_update({"_id": "missing"}, {"$set": {"n": 0}}) is None


async def test_upserts_take_the_filter_and_set_on_insert_only_once(database: Database) -> None:
    items = database.db["contract_items"]
    update = {"$set": {"seen": True}, "$setOnInsert": {"created": 1}, "$inc": {"n": 1}}
    inserted_before = await items.find_one_and_update(
        {"_id": "k", "kind": "x"}, update, upsert=True
    )
    assert inserted_before is None
    again = await items.find_one_and_update(
        {"_id": "k", "kind": "x"},
        {**update, "$setOnInsert": {"created": 2}},
        upsert=True,
        return_document=ReturnDocument.AFTER,
    )
    assert again == {"_id": "k", "kind": "x", "seen": True, "created": 1, "n": 2}


async def test_min_and_max_keep_the_earliest_and_latest(database: Database) -> None:
    items = database.db["contract_items"]
    await items.insert_one({"_id": "r", "low": 5, "high": 5})
    await items.update_one({"_id": "r"}, {"$min": {"low": 3}, "$max": {"high": 4}})
    await items.update_one({"_id": "r"}, {"$min": {"low": 4}, "$max": {"high": 9}})
    assert await items.find_one({"_id": "r"}) == {"_id": "r", "low": 3, "high": 9}
