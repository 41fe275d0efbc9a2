"""The ``orders`` collection."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument

from app.core.db import Document
from app.core.repository import Repository
from app.orders.models import NOT_REVENUE

SORT_FIELDS = ("placedAt", "total", "number")


class OrderRepository(Repository):
    collection_name = "orders"
    list_order = (("placedAt", -1),)
    indexes = (
        IndexModel([("number", ASCENDING)], unique=True, name="number_unique"),
        # A customer's orders, newest first; also serves their stats.
        IndexModel(
            [("customerId", ASCENDING), ("placedAt", DESCENDING), ("_id", DESCENDING)],
            name="customer_placedAt",
        ),
        *(
            IndexModel([(field, DESCENDING), ("_id", DESCENDING)], name=f"{field}_id")
            for field in SORT_FIELDS
        ),
        IndexModel([("status", ASCENDING), ("placedAt", DESCENDING)], name="status_placedAt"),
    )

    async def insert(self, document: Document) -> Document:
        result = await self.collection.insert_one(document)
        return {**document, "_id": result.inserted_id}

    async def recently_paid_with_stock(
        self, since: datetime, before: datetime, limit: int
    ) -> list[Document]:
        """PAID orders with tracked items whose last change falls between the two times."""
        return await self.collection.find(
            {"status": "PAID", "warehouseId": {"$ne": None},
             "updatedAt": {"$gte": since, "$lt": before}},
            sort=[("status", ASCENDING), ("placedAt", DESCENDING)],
        ).limit(limit).to_list()  # fmt: skip

    async def by_number(self, number: str) -> Document | None:
        return await self.collection.find_one({"number": number})

    async def ids_by_numbers(self, numbers: list[str]) -> dict[str, Document]:
        found = await self.find_in("number", numbers, {"number": 1, "customerId": 1})
        return {doc["number"]: doc for doc in found}

    async def change_status(
        self,
        order_id: ObjectId,
        current: str,
        new: str,
        entry: dict[str, Any],
        now: datetime,
        changes: dict[str, Any] | None = None,
    ) -> Document | None:
        """Move the order from ``current`` to ``new`` (setting ``changes`` too) unless someone
        else moved it first."""
        return await self.collection.find_one_and_update(
            {"_id": order_id, "status": current},
            {
                "$set": {**(changes or {}), "status": new, "updatedAt": now},
                "$push": {"statusHistory": entry},
            },
            return_document=ReturnDocument.AFTER,
        )

    async def main_currency(self, as_of: datetime) -> str | None:
        """The currency most revenue orders placed up to ``as_of`` use."""
        pipeline: list[dict[str, Any]] = [
            {"$match": {"placedAt": {"$lte": as_of}, "status": {"$nin": list(NOT_REVENUE)}}},
            {"$group": {"_id": "$currency", "n": {"$sum": 1}}},
            {"$sort": {"n": -1, "_id": 1}},
            {"$limit": 1},
        ]
        rows = await (await self.collection.aggregate(pipeline)).to_list()
        return rows[0]["_id"] if rows else None

    async def purchase_features(self, as_of: datetime, currency: str) -> list[Document]:
        """Per customer, computed in MongoDB: first and last order, order count, total spent.
        Orders after ``as_of``, cancelled or refunded ones, and other currencies do not count."""
        pipeline: list[dict[str, Any]] = [
            {
                "$match": {
                    "placedAt": {"$lte": as_of},
                    "status": {"$nin": list(NOT_REVENUE)},
                    "currency": currency,
                }
            },
            {
                "$group": {
                    "_id": "$customerId",
                    "first": {"$min": "$placedAt"},
                    "last": {"$max": "$placedAt"},
                    "orders": {"$sum": 1},
                    "spent": {"$sum": "$total"},
                }
            },
        ]
        return await (await self.collection.aggregate(pipeline)).to_list()

    async def revenue_orders(
        self, since: datetime, until: datetime, currency: str
    ) -> list[Document]:
        """Who spent what when: revenue orders in ``currency`` placed in [since, until], as
        ``{customerId placedAt total}``, through the placedAt index."""
        query = {
            "placedAt": {"$gte": since, "$lte": until},
            "status": {"$nin": list(NOT_REVENUE)},
            "currency": currency,
        }
        projection = {"_id": 0, "customerId": 1, "placedAt": 1, "total": 1}
        return await self.collection.find(query, projection).to_list()

    async def revenue_histories(self, as_of: datetime, currency: str) -> list[Document]:
        """Per customer, computed in MongoDB: the times and totals of their revenue orders in
        ``currency`` up to ``as_of`` (the propensity features are built from these)."""
        pipeline: list[dict[str, Any]] = [
            {
                "$match": {
                    "placedAt": {"$lte": as_of},
                    "status": {"$nin": list(NOT_REVENUE)},
                    "currency": currency,
                }
            },
            {
                "$group": {
                    "_id": "$customerId",
                    "at": {"$push": "$placedAt"},
                    "total": {"$push": "$total"},
                }
            },
        ]
        return await (await self.collection.aggregate(pipeline)).to_list()

    async def first_revenue_order_at(self, as_of: datetime) -> datetime | None:
        """When the oldest revenue order up to ``as_of`` was placed."""
        doc = await self.collection.find_one(
            {"placedAt": {"$lte": as_of}, "status": {"$nin": list(NOT_REVENUE)}},
            {"placedAt": 1},
            sort=[("placedAt", ASCENDING), ("_id", ASCENDING)],
        )
        return doc["placedAt"] if doc else None

    async def last_revenue_order_at(self) -> datetime | None:
        """When the newest revenue order was placed."""
        doc = await self.collection.find_one(
            {"placedAt": {"$exists": True}, "status": {"$nin": list(NOT_REVENUE)}},
            {"placedAt": 1},
            sort=[("placedAt", DESCENDING), ("_id", DESCENDING)],
        )
        return doc["placedAt"] if doc else None

    async def demand(
        self,
        since: datetime,
        until: datetime,
        period: Any,
        *,
        by_product: bool,
        product_ids: Sequence[ObjectId] | None = None,
        warehouse_id: ObjectId | None = None,
    ) -> list[Document]:
        """Units and revenue of revenue orders placed in [since, until), per ``period`` (an
        expression of ``$placedAt``) and product, or per period and currency: one pipeline,
        through the placedAt index."""
        match: dict[str, Any] = {
            "placedAt": {"$gte": since, "$lt": until},
            "status": {"$nin": list(NOT_REVENUE)},
        }
        if warehouse_id is not None:
            match["warehouseId"] = warehouse_id
        items: dict[str, Any] = {}
        if product_ids is not None:
            items = {"items.productId": {"$in": list(product_ids)}}
        key: dict[str, Any] = {"period": period}
        key.update({"product": "$items.productId"} if by_product else {"currency": "$currency"})
        pipeline: list[dict[str, Any]] = [
            {"$match": {**match, **items}},
            {"$unwind": "$items"},
            *([{"$match": items}] if items else []),
            {
                "$group": {
                    "_id": key,
                    "units": {"$sum": "$items.quantity"},
                    "revenue": {"$sum": {"$multiply": ["$items.quantity", "$items.unitPrice"]}},
                }
            },
        ]
        cursor = await self.collection.aggregate(pipeline, allowDiskUse=True)
        return await cursor.to_list()

    async def stats_by_customer(self, customer_ids: Sequence[ObjectId]) -> dict[ObjectId, Any]:
        """Per customer: revenue orders and spend per currency, and the last order time."""
        pipeline: list[dict[str, Any]] = [
            {"$match": {"customerId": {"$in": list(customer_ids)}}},
            {
                "$group": {
                    "_id": {"customer": "$customerId", "currency": "$currency"},
                    "orders": {"$sum": {"$cond": [{"$in": ["$status", list(NOT_REVENUE)]}, 0, 1]}},
                    "spent": {
                        "$sum": {"$cond": [{"$in": ["$status", list(NOT_REVENUE)]}, 0, "$total"]}
                    },
                    "last": {"$max": "$placedAt"},
                }
            },
        ]
        stats: dict[ObjectId, Any] = {}
        async for row in await self.collection.aggregate(pipeline):
            entry = stats.setdefault(row["_id"]["customer"], {"currencies": [], "last": None})
            entry["currencies"].append((row["_id"]["currency"], row["orders"], row["spent"]))
            if entry["last"] is None or row["last"] > entry["last"]:
                entry["last"] = row["last"]
        return stats
