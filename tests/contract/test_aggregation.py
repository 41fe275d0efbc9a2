"""The aggregation features the app's reports and nested lists use: $dateTrunc periods in UTC
(weeks from Monday when asked), and $topN per group."""

from __future__ import annotations

from datetime import UTC, datetime

from pymongo import ASCENDING, DESCENDING, IndexModel

from app.core.db import Database


async def test_date_trunc_periods(database: Database) -> None:
    events = database.db["contract_events"]
    await events.insert_many(
        [
            {"_id": 1, "at": datetime(2026, 3, 4, 23, 59, tzinfo=UTC)},  # a Wednesday
            {"_id": 2, "at": datetime(2026, 3, 8, 12, 0, tzinfo=UTC)},  # the Sunday after
            {"_id": 3, "at": datetime(2026, 3, 9, 0, 0, tzinfo=UTC)},  # the next Monday
        ]
    )

    async def periods(unit: str, **options: str) -> dict[int, datetime]:
        pipeline = [
            {"$project": {"p": {"$dateTrunc": {"date": "$at", "unit": unit, **options}}}},
            {"$sort": {"_id": 1}},
        ]
        rows = await (await events.aggregate(pipeline)).to_list()
        return {row["_id"]: row["p"].replace(tzinfo=UTC) for row in rows}

    monday = datetime(2026, 3, 2, tzinfo=UTC)
    assert await periods("week", startOfWeek="monday") == {
        1: monday,
        2: monday,
        3: datetime(2026, 3, 9, tzinfo=UTC),
    }
    assert (await periods("week"))[2] == datetime(2026, 3, 8, tzinfo=UTC)  # Sunday by default
    assert set((await periods("month")).values()) == {datetime(2026, 3, 1, tzinfo=UTC)}
    assert (await periods("day"))[1] == datetime(2026, 3, 4, tzinfo=UTC)


async def test_top_n_per_group(database: Database) -> None:
    orders = database.db["contract_orders"]
    await orders.create_indexes([IndexModel([("customer", ASCENDING), ("placedAt", DESCENDING)])])
    await orders.insert_many([{"_id": i, "customer": i % 2, "placedAt": i} for i in range(10)])
    pipeline = [
        {"$match": {"customer": {"$in": [0, 1]}}},
        {
            "$group": {
                "_id": "$customer",
                "latest": {"$topN": {"n": 2, "sortBy": {"placedAt": -1}, "output": "$_id"}},
            }
        },
        {"$sort": {"_id": 1}},
    ]
    rows = await (await orders.aggregate(pipeline)).to_list()
    assert rows == [{"_id": 0, "latest": [8, 6]}, {"_id": 1, "latest": [9, 7]}]
