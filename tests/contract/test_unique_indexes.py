"""Unique indexes refuse duplicates with code 11000 and say which key; partial unique indexes
constrain only the documents they cover."""

from __future__ import annotations

import pytest
from pymongo import ASCENDING, IndexModel, ReturnDocument
from pymongo.errors import BulkWriteError, DuplicateKeyError

from app.core.db import Database


async def test_a_duplicate_is_refused_with_the_key_it_collides_on(database: Database) -> None:
    people = database.db["contract_people"]
    await people.create_indexes([IndexModel([("email", ASCENDING)], unique=True, name="email")])
    await people.insert_one({"email": "a@example.com"})
    with pytest.raises(DuplicateKeyError) as error:
        await people.insert_one({"email": "a@example.com"})
    assert error.value.code == 11000
    assert error.value.details is not None
    assert error.value.details["keyValue"] == {"email": "a@example.com"}
    assert error.value.details["keyPattern"] == {"email": 1}
    other = await people.insert_one({"email": "b@example.com"})
    with pytest.raises(DuplicateKeyError):  # an update into a taken key, too
        await people.find_one_and_update(
            {"_id": other.inserted_id},
            {"$set": {"email": "a@example.com"}},
            return_document=ReturnDocument.AFTER,
        )
    assert await people.count_documents({"email": "b@example.com"}) == 1


async def test_an_unordered_batch_inserts_all_but_the_duplicates(database: Database) -> None:
    people = database.db["contract_people"]
    await people.create_indexes([IndexModel([("email", ASCENDING)], unique=True, name="email")])
    await people.insert_one({"email": "a"})
    with pytest.raises(BulkWriteError) as error:
        await people.insert_many([{"email": "b"}, {"email": "a"}, {"email": "c"}], ordered=False)
    assert error.value.details["nInserted"] == 2
    assert [(e["index"], e["code"]) for e in error.value.details["writeErrors"]] == [(1, 11000)]
    assert await people.count_documents({}) == 3


async def test_a_partial_unique_index_ignores_documents_outside_its_filter(
    database: Database,
) -> None:
    jobs = database.db["contract_jobs"]
    await jobs.create_indexes(
        [
            IndexModel(
                [("key", ASCENDING)],
                unique=True,
                partialFilterExpression={"key": {"$type": "string"}},
                name="key",
            )
        ]
    )
    await jobs.insert_many([{"key": None}, {"key": None}, {}, {}, {"key": "k"}])
    with pytest.raises(DuplicateKeyError):
        await jobs.insert_one({"key": "k"})
    assert await jobs.count_documents({}) == 5
