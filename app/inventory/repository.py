"""The inventory collections: ``warehouses``, ``stock_levels``, ``stock_lots``,
``stock_moves`` and ``fulfilments``, each with the indexes its queries use."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument
from pymongo.errors import DuplicateKeyError

from app.core.db import Document
from app.core.repository import Repository
from app.inventory.models import FulfilmentStatus, MoveState, level_id


class WarehouseRepository(Repository):
    collection_name = "warehouses"
    list_order = (("code", 1),)
    indexes = (IndexModel([("code", ASCENDING)], unique=True, name="code_unique"),)

    async def insert(self, document: Document) -> Document:
        result = await self.collection.insert_one(document)
        return {**document, "_id": result.inserted_id}

    async def by_code(self, code: str) -> Document | None:
        return await self.collection.find_one({"code": code})

    async def ensure(self, document: Document) -> None:
        """Insert unless a warehouse has this code (the default one, at start-up)."""
        with contextlib.suppress(DuplicateKeyError):
            await self.collection.insert_one(dict(document))

    async def all(self) -> list[Document]:
        return await self.collection.find({}, sort=[("code", ASCENDING)]).limit(1000).to_list()


class StockLevelRepository(Repository):
    """One document per product and warehouse: the quantities, the cost of what is on hand,
    the reservations, and which move is being applied (see app.inventory.ledger)."""

    collection_name = "stock_levels"
    list_order = (("productId", 1), ("warehouseId", 1))
    indexes = (
        IndexModel([("productId", ASCENDING), ("warehouseId", ASCENDING)], name="product"),
        IndexModel([("warehouseId", ASCENDING), ("productId", ASCENDING)], name="warehouse"),
        # A scalar, not an index on holds.at: a multikey index makes every write of a level
        # (every reservation) cost as much as its holds on the embedded store.
        IndexModel([("oldestHoldAt", ASCENDING)], name="oldest_hold"),
        IndexModel([("reorderRule.min", ASCENDING)], name="reorder_min"),
    )

    async def ensure(self, document: Document) -> Document:
        """The level of a product in a warehouse, made empty the first time it is asked for."""
        key = {"_id": document["_id"]}
        found = await self.collection.find_one(key)
        if found is not None:
            return found
        with contextlib.suppress(DuplicateKeyError):  # made meanwhile by another request
            await self.collection.insert_one(dict(document))
        made = await self.collection.find_one(key)
        assert made is not None
        return made

    async def of(self, product_id: ObjectId, warehouse_id: ObjectId) -> Document | None:
        return await self.collection.find_one({"_id": level_id(product_id, warehouse_id)})

    async def of_products(self, product_ids: Sequence[ObjectId]) -> list[Document]:
        return await self.find_in("productId", product_ids)

    async def reserve(self, level_id: str, order_id: ObjectId, quantity: int, at: datetime) -> bool:
        """Hold ``quantity`` for an order if that many are available: one guarded update."""
        result = await self.collection.update_one(
            {"_id": level_id, "available": {"$gte": quantity}},
            {
                "$inc": {"available": -quantity, "reserved": quantity},
                "$push": {"holds": {"orderId": order_id, "quantity": quantity, "at": at}},
                "$min": {"oldestHoldAt": at},
            },
        )
        return result.modified_count == 1

    async def release(self, level_id: str, order_id: ObjectId, quantity: int) -> bool:
        """Give back an order's hold (once: the hold must still be there)."""
        result = await self.collection.update_one(
            {"_id": level_id, "holds.orderId": order_id},
            {
                "$inc": {"available": quantity, "reserved": -quantity},
                "$pull": {"holds": {"orderId": order_id}},
            },
        )
        return result.modified_count == 1

    async def take_hold(self, level_id: str, move_id: ObjectId) -> Document | None:
        """Make ``move_id`` the move being applied to this level, if none is."""
        return await self.collection.find_one_and_update(
            {"_id": level_id, "pending": None},
            {"$set": {"pending": move_id}},
            return_document=ReturnDocument.AFTER,
        )

    async def commit(
        self, level_id: str, move_id: ObjectId, seq: int, query: Document, update: Document
    ) -> bool:
        """Apply a planned move's quantities once: the level is held by the move and has not
        counted it yet (``seq`` is the move's number on this level)."""
        result = await self.collection.update_one(
            {"_id": level_id, "pending": move_id, "seq": seq - 1, **query},
            {**update, "$set": {**update.get("$set", {}), "seq": seq}},
        )
        return result.modified_count == 1

    async def let_go(self, level_id: str, move_id: ObjectId) -> None:
        await self.collection.update_one(
            {"_id": level_id, "pending": move_id}, {"$set": {"pending": None}}
        )

    async def set_rule(self, level_id: str, rule: Document | None) -> Document | None:
        return await self.collection.find_one_and_update(
            {"_id": level_id}, {"$set": {"reorderRule": rule}}, return_document=ReturnDocument.AFTER
        )

    async def stale_holds(self, before: datetime, limit: int) -> list[Document]:
        """Levels holding a reservation made before ``before`` (or that did once: the mark
        is brought up to date by ``mark_oldest``)."""
        return (
            await self.collection.find(
                {"oldestHoldAt": {"$lt": before}}, sort=[("oldestHoldAt", ASCENDING)]
            )
            .limit(limit)
            .to_list()
        )

    async def mark_oldest(self, level_id: str) -> None:
        """Set the level's oldest-reservation mark from its holds, unless one came meanwhile."""
        level = await self.collection.find_one({"_id": level_id}, {"holds": 1})
        if level is None:
            return
        holds = level["holds"]
        change = (
            {"$set": {"oldestHoldAt": min(hold["at"] for hold in holds)}}
            if holds
            else {"$unset": {"oldestHoldAt": ""}}
        )
        await self.collection.update_one({"_id": level_id, "holds": {"$size": len(holds)}}, change)

    async def all_in(self, warehouse_id: ObjectId | None) -> list[Document]:
        """Every level (of one warehouse, or all), in product order, without their holds."""
        if warehouse_id is None:
            query: Document = {}
            sort = [("productId", ASCENDING), ("warehouseId", ASCENDING)]
        else:
            query = {"warehouseId": warehouse_id}
            sort = [("warehouseId", ASCENDING), ("productId", ASCENDING)]
        return await self.collection.find(query, {"holds": 0}, sort=sort).to_list()


class StockLotRepository(Repository):
    """Cost layers: what is left of each receipt (or return, or transfer in), at its cost."""

    collection_name = "stock_lots"
    list_order = (("levelId", 1), ("seq", 1))
    indexes = (IndexModel([("levelId", ASCENDING), ("seq", ASCENDING)], name="level_seq"),)

    async def open_lots(self, level_id: str) -> list[Document]:
        return await self.collection.find(
            {"levelId": level_id, "remaining": {"$gt": 0}}, sort=[("seq", ASCENDING)]
        ).to_list()

    async def add(self, document: Document) -> None:
        """Insert a lot whose ``_id`` its move chose; a second try inserts nothing."""
        with contextlib.suppress(DuplicateKeyError):
            await self.collection.insert_one(dict(document))

    async def take(self, lot_id: ObjectId, move_id: ObjectId, quantity: int) -> None:
        """Take units out of a lot for a move, once."""
        await self.collection.update_one(
            {"_id": lot_id, "takenBy": {"$ne": move_id}},
            {"$inc": {"remaining": -quantity}, "$push": {"takenBy": move_id}},
        )


class StockMoveRepository(Repository):
    """The append-only ledger; a move's state says how far it is applied."""

    collection_name = "stock_moves"
    list_order = (("at", -1),)
    indexes = (
        IndexModel([("key", ASCENDING)], unique=True, name="key_unique"),
        IndexModel([("at", DESCENDING), ("_id", DESCENDING)], name="at_id"),
        *(
            IndexModel([(field, ASCENDING), ("at", DESCENDING), ("_id", DESCENDING)], name=name)
            for field, name in (
                ("productId", "product_at"),
                ("warehouseId", "warehouse_at"),
                ("orderId", "order_at"),
                ("kind", "kind_at"),
                ("levelId", "level_at"),
            )
        ),
        IndexModel([("state", ASCENDING), ("createdAt", ASCENDING)], name="state_created"),
    )

    async def insert(self, document: Document) -> Document:
        """Insert a move, or return the one already written under its ``key``."""
        try:
            result = await self.collection.insert_one(dict(document))
        except DuplicateKeyError:
            found = await self.collection.find_one({"key": document["key"]})
            assert found is not None
            return found
        return {**document, "_id": result.inserted_id}

    async def plan(self, move_id: ObjectId, plan: Document) -> Document | None:
        """Fix a move's lots and cost, once; returns the move as planned (by whoever won)."""
        await self.collection.update_one(
            {"_id": move_id, "state": MoveState.PLANNING.value},
            {"$set": {**plan, "state": MoveState.PENDING.value}},
        )
        return await self.get(move_id)

    async def set_state(self, move_id: ObjectId, state: MoveState, **fields: Any) -> None:
        await self.collection.update_one(
            {"_id": move_id}, {"$set": {"state": state.value, **fields}}
        )

    async def unfinished(self, before: datetime, limit: int) -> list[Document]:
        states = [MoveState.PLANNING.value, MoveState.PENDING.value, MoveState.WAITING.value]
        return (
            await self.collection.find(
                {"state": {"$in": states}, "createdAt": {"$lt": before}},
                sort=[("state", ASCENDING), ("createdAt", ASCENDING)],
            )
            .limit(limit)
            .to_list()
        )

    async def of_order(self, order_id: ObjectId) -> list[Document]:
        return (
            await self.collection.find(
                {"orderId": order_id}, sort=[("orderId", ASCENDING), ("at", DESCENDING)]
            )
            .limit(1000)
            .to_list()
        )

    async def by_key(self, key: str) -> Document | None:
        return await self.collection.find_one({"key": key})

    async def sold_since(self, since: datetime) -> list[Document]:
        """Units sold per level and day since ``since`` (demand for reorder points)."""
        pipeline: list[Document] = [
            {"$match": {"kind": "SALE", "at": {"$gte": since}, "state": MoveState.DONE.value}},
            {
                "$group": {
                    "_id": {
                        "level": "$levelId",
                        "day": {"$dateToString": {"format": "%Y-%m-%d", "date": "$at"}},
                    },
                    "units": {"$sum": {"$subtract": [0, "$quantity"]}},
                }
            },
        ]
        # Groups over every move of the window: MongoDB 6+ spills them to disk when it must
        # (allowDiskUseByDefault); the embedded store refuses without being told it may.
        return await (await self.collection.aggregate(pipeline, allowDiskUse=True)).to_list()

    async def totals_until(self, until: datetime, warehouse_id: ObjectId | None) -> list[Document]:
        """Quantity and cost on hand per level at ``until``: the sum of the moves done by then."""
        match: Document = {"at": {"$lte": until}, "state": MoveState.DONE.value}
        if warehouse_id is not None:
            match["warehouseId"] = warehouse_id
        pipeline: list[Document] = [
            {"$match": match},
            {
                "$group": {
                    "_id": "$levelId",
                    "productId": {"$first": "$productId"},
                    "warehouseId": {"$first": "$warehouseId"},
                    "currency": {"$first": "$currency"},
                    "quantity": {"$sum": "$quantity"},
                    "value": {"$sum": "$totalCost"},
                }
            },
        ]
        # Groups over every move of the window: MongoDB 6+ spills them to disk when it must
        # (allowDiskUseByDefault); the embedded store refuses without being told it may.
        return await (await self.collection.aggregate(pipeline, allowDiskUse=True)).to_list()


class FulfilmentRepository(Repository):
    """The pick queue: one fulfilment per paid order with tracked items."""

    collection_name = "fulfilments"
    list_order = (("priority", -1), ("createdAt", 1))
    indexes = (
        IndexModel([("orderId", ASCENDING)], unique=True, name="order_unique"),
        IndexModel(
            [
                ("warehouseId", ASCENDING),
                ("status", ASCENDING),
                ("priority", DESCENDING),
                ("createdAt", ASCENDING),
                ("_id", ASCENDING),
            ],
            name="claim_order",
        ),
        IndexModel(
            [("priority", DESCENDING), ("createdAt", ASCENDING), ("_id", ASCENDING)],
            name="priority_created",
        ),
        IndexModel(
            [("status", ASCENDING), ("priority", DESCENDING), ("createdAt", ASCENDING)],
            name="status_priority",
        ),
    )

    async def enqueue(self, document: Document) -> Document:
        """Queue an order once; a second call returns the fulfilment it has."""
        try:
            result = await self.collection.insert_one(dict(document))
        except DuplicateKeyError:
            found = await self.collection.find_one({"orderId": document["orderId"]})
            assert found is not None
            return found
        return {**document, "_id": result.inserted_id}

    async def claim_next(
        self, warehouse_id: ObjectId, picker: str, now: datetime
    ) -> Document | None:
        """Hand the first queued fulfilment to one caller: one atomic update."""
        return await self.collection.find_one_and_update(
            {"warehouseId": warehouse_id, "status": FulfilmentStatus.QUEUED.value},
            {
                "$set": {
                    "status": FulfilmentStatus.IN_PROGRESS.value,
                    "claimedBy": picker,
                    "claimedAt": now,
                    "updatedAt": now,
                }
            },
            sort=[("priority", DESCENDING), ("createdAt", ASCENDING), ("_id", ASCENDING)],
            return_document=ReturnDocument.AFTER,
        )

    async def move(
        self, fulfilment_id: ObjectId, query: Document, changes: Document
    ) -> Document | None:
        """Change a fulfilment if it still is as ``query`` says."""
        return await self.collection.find_one_and_update(
            {"_id": fulfilment_id, **query},
            {"$set": changes},
            return_document=ReturnDocument.AFTER,
        )

    async def of_order(self, order_id: ObjectId) -> Document | None:
        return await self.collection.find_one({"orderId": order_id})
