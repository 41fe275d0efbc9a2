"""The embedded store's server answers as MongoDB does where it reroutes commands: inserts go
through mongoeco's batch path, and a find that is one ``$in`` runs as one query per value."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from bson import Decimal128, ObjectId
from mongoeco.api import AsyncMongoClient as StoreClient
from pymongo import ASCENDING, IndexModel
from pymongo.errors import BulkWriteError, DuplicateKeyError, OperationFailure

from app.core.db import Database
from app.core.store import MEMORY
from app.core.store_server import _engine, single_in


async def test_inserts_report_duplicates_as_mongodb_does(database: Database) -> None:
    collection = database.db["store_inserts"]
    await collection.create_indexes([IndexModel([("email", ASCENDING)], unique=True)])
    await collection.insert_one({"email": "a"})
    with pytest.raises(DuplicateKeyError) as one:
        await collection.insert_one({"email": "a"})
    assert one.value.details is not None
    assert one.value.details["keyValue"] == {"email": "a"}
    with pytest.raises(BulkWriteError) as ordered:
        await collection.insert_many([{"email": "b"}, {"email": "a"}, {"email": "c"}])
    assert ordered.value.details["nInserted"] == 1
    assert [e["index"] for e in ordered.value.details["writeErrors"]] == [1]
    with pytest.raises(BulkWriteError) as unordered:
        await collection.insert_many(
            [{"email": "d"}, {"email": "a"}, {"email": "e"}], ordered=False
        )
    assert unordered.value.details["nInserted"] == 2
    emails = sorted([doc["email"] async for doc in collection.find({}, {"email": 1})])
    assert emails == ["a", "b", "d", "e"]


async def test_a_single_in_on_a_unique_field_matches_what_mongodb_matches(
    database: Database,
) -> None:
    collection = database.db["store_in"]
    await collection.create_indexes([IndexModel([("code", ASCENDING)], unique=True)])
    at = datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)
    documents = [
        {"_id": ObjectId(), "code": "a", "at": at, "amount": Decimal128(Decimal("1.10"))},
        {"_id": "text-id", "code": "b", "n": 1},
        {"_id": ObjectId(), "code": 7},
        {"_id": ObjectId(), "code": "z"},
    ]
    await collection.insert_many(documents)
    values = ["a", "b", 7, "a", "missing"]
    # The rerouted shape: one $in. The control: the same condition under $or, which the
    # store answers natively.
    rerouted = await collection.find({"code": {"$in": values}}).to_list()
    native = await collection.find({"$or": [{"code": {"$in": values}}]}).to_list()
    key = lambda doc: str(doc["_id"])  # noqa: E731
    assert sorted(rerouted, key=key) == sorted(native, key=key)
    assert len(rerouted) == 3
    typed = next(doc for doc in rerouted if "at" in doc)
    assert typed["at"] == at
    assert typed["amount"] == Decimal128(Decimal("1.10"))
    projected = await collection.find({"_id": {"$in": ["text-id", "text-id"]}}, {"n": 1}).to_list()
    assert projected == [{"_id": "text-id", "n": 1}]
    # Values matching more than their equal keep the native path: a regex, null.
    regex = await collection.find({"code": {"$in": [re.compile("^[az]$")]}}).to_list()
    assert sorted(doc["code"] for doc in regex) == ["a", "z"]
    assert await collection.find({"code": {"$in": [None]}}).to_list() == []


@pytest.mark.parametrize(
    ("command", "rerouted"),
    [
        ({"find": "c", "filter": {"a": {"$in": [1, 2]}}, "batchSize": 5}, True),
        ({"find": "c", "filter": {"a": {"$in": [1]}}, "projection": {"b": 1}}, True),
        ({"find": "c", "filter": {"a": {"$in": [1]}}, "projection": {"_id": 0}}, False),
        ({"find": "c", "filter": {"a": {"$in": [1]}}, "sort": {"a": 1}}, False),
        ({"find": "c", "filter": {"a": {"$in": [1]}}, "limit": 1}, False),
        ({"find": "c", "filter": {"a": {"$in": [1]}, "b": 2}}, False),
        ({"find": "c", "filter": {"a": {"$in": [1], "$ne": 3}}}, False),
        ({"find": "c", "filter": {"a": {"$in": [{"x": 1}]}}}, False),
        ({"find": "c", "filter": {"a": {"$in": [re.compile("x")]}}}, False),
        ({"find": "c", "filter": {"a": {"$in": [None]}}}, False),
        ({"find": "c", "filter": {"a": {"$in": [[1, 2]]}}}, False),
        ({"find": "c", "filter": {"a": {"$in": []}}}, False),
        ({"find": "c", "filter": {"$or": [{"a": 1}]}}, False),
    ],
)
def test_only_a_plain_single_in_is_rerouted(command: dict[str, object], rerouted: bool) -> None:
    assert (single_in(command) is not None) is rerouted


@pytest.mark.parametrize("spill", [5, None])
async def test_a_group_over_more_than_the_budget_spills_as_mongodb_does(spill: int | None) -> None:
    client = StoreClient(_engine(MEMORY, materialization_limit=10, spill_threshold=spill))
    collection = client["t"]["moves"]
    await collection.insert_many([{"level": n % 3, "quantity": n} for n in range(30)])
    pipeline = [{"$group": {"_id": "$level", "units": {"$sum": "$quantity"}}}]
    if spill is None:  # what the store did before: refused past the budget
        with pytest.raises(OperationFailure, match="materialization budget"):
            await (await collection.aggregate(pipeline)).to_list()
        return
    rows = await (await collection.aggregate(pipeline)).to_list()
    assert sorted((row["_id"], row["units"]) for row in rows) == [(0, 135), (1, 145), (2, 155)]
