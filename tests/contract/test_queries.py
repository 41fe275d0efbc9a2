"""Query semantics the app's filters and keyset pages rely on: array conditions, the
comparison order of strings (binary, case-sensitive, no collation) and of mixed types."""

from __future__ import annotations

from pymongo import ASCENDING, IndexModel

from app.core.db import Database


async def test_array_conditions(database: Database) -> None:
    items = database.db["contract_tags"]
    await items.create_indexes(
        [IndexModel([("tags", ASCENDING)]), IndexModel([("t.name", ASCENDING)])]
    )
    await items.insert_many(
        [
            {"_id": 1, "tags": ["vip", "b2b"], "t": [{"name": "a", "c": 0.9}]},
            {"_id": 2, "tags": ["vip"], "t": [{"name": "b", "c": 0.4}, {"name": "a", "c": 0.2}]},
            {"_id": 3, "tags": [], "t": []},
        ]
    )

    async def ids(query: dict[str, object]) -> list[int]:
        return sorted([doc["_id"] async for doc in items.find(query, {"_id": 1})])

    assert await ids({"tags": {"$elemMatch": {"$eq": "vip"}}}) == [1, 2]
    assert await ids({"tags": {"$elemMatch": {"$in": ["b2b", "none"]}}}) == [1]
    assert await ids({"tags": {"$all": ["vip", "b2b"]}}) == [1]
    assert await ids({"t": {"$elemMatch": {"name": {"$in": ["b"]}}}}) == [2]
    assert await ids({"t.name": {"$all": ["a", "b"]}}) == [2]
    # "Every tag below 0.6" (no element at or above it), as topic discovery asks.
    assert await ids({"_id": {"$gt": 0}, "t": {"$not": {"$elemMatch": {"c": {"$gte": 0.6}}}}}) == [
        2,
        3,
    ]


async def test_strings_sort_by_code_point_without_collation(database: Database) -> None:
    names = database.db["contract_names"]
    await names.create_indexes([IndexModel([("name", ASCENDING)])])
    await names.insert_many([{"name": n} for n in ("bob", "Zed", "alice", "Émile", "ada")])
    ordered = [doc["name"] async for doc in names.find({}, {"_id": 0}).sort("name", 1).limit(10)]
    assert ordered == ["Zed", "ada", "alice", "bob", "Émile"]
