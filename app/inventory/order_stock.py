"""What orders do to stock: reserve when placed, sell when shipped, release when cancelled,
return when refunded after shipping; and the sweep that finishes what a crash left."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import timedelta

from bson import ObjectId

from app.core.db import Document, MongoDatabase
from app.core.errors import ErrorCode, FieldError, InputError
from app.inventory.ledger import Ledger
from app.inventory.models import MoveState, StockMoveKind, level_id, new_move
from app.inventory.repository import StockLevelRepository, StockMoveRepository
from app.inventory.service import RECOVERY_BATCH, costing, record, returned_lots, utc_now
from app.orders.models import OrderStatus
from app.orders.repository import OrderRepository
from app.products.repository import ProductRepository

# A reservation whose order was never written (the process died in between) is released
# by the recovery sweep after this long.
ORPHAN_HOLD_AGE = timedelta(minutes=10)
# Orders whose reservations stand: placed and not yet shipped, cancelled or refunded.
HOLDING = (OrderStatus.PENDING.value, OrderStatus.PAID.value)


def tracked_lines(items: Sequence[Document]) -> dict[ObjectId, int]:
    """Units per tracked product of an order's items (lines of one product summed)."""
    units: dict[ObjectId, int] = defaultdict(int)
    for item in items:
        if item.get("tracked"):
            units[item["productId"]] += item["quantity"]
    return dict(units)


class OrderStock:
    def __init__(self, db: MongoDatabase) -> None:
        self.levels = StockLevelRepository(db)
        self.moves = StockMoveRepository(db)
        self.products = ProductRepository(db)
        self.orders = OrderRepository(db)
        self.ledger = Ledger(db)

    async def reserve(
        self, order_id: ObjectId, warehouse: Document, items: Sequence[Document]
    ) -> None:
        """Hold every tracked line's units, or none: ``INSUFFICIENT_STOCK`` at the first line
        of a product whose lines together ask for more than is available."""
        held: list[tuple[str, int]] = []
        now = utc_now()
        for product_id, units in tracked_lines(items).items():
            level = level_id(product_id, warehouse["_id"])  # none yet: nothing is available
            if await self.levels.reserve(level, order_id, units, now):
                held.append((level, units))
                continue
            for reserved, quantity in held:
                await self.levels.release(reserved, order_id, quantity)
            current = await self.levels.of(product_id, warehouse["_id"])
            available = current["available"] if current else 0
            index = next(i for i, item in enumerate(items) if item["productId"] == product_id)
            raise InputError(
                [
                    FieldError(
                        f"items.{index}.quantity",
                        ErrorCode.INSUFFICIENT_STOCK,
                        f"Only {available} available in {warehouse['code']}; "
                        f"this order asks for {units}.",
                    )
                ]
            )

    async def release(self, order: Document) -> None:
        """Give back what an order holds (cancelled, or refunded before it shipped)."""
        for product_id, units in tracked_lines(order["items"]).items():
            level = await self.levels.of(product_id, order["warehouseId"])
            if level is not None:
                await self.levels.release(level["_id"], order["_id"], units)

    async def ship(self, order: Document, actor: str) -> dict[ObjectId, int]:
        """Turn an order's holds into sales; the cost of each tracked product's units. A
        retry after a crash finishes the sales begun and starts no new ones."""
        costs: dict[ObjectId, int] = {}
        for product_id, units in tracked_lines(order["items"]).items():
            product = await self.products.get(product_id)
            level = await self.levels.of(product_id, order["warehouseId"])
            if product is None or level is None:
                continue
            held = any(hold["orderId"] == order["_id"] for hold in level.get("holds", []))
            lines = [i for i, item in enumerate(order["items"]) if item["productId"] == product_id]
            move = new_move(
                StockMoveKind.SALE, level, -units, utc_now(), actor=actor,
                order_id=order["_id"], key=f"sale:{order['_id']}:{product_id}",
                extra={**costing(product), "held": held, "lines": lines},
            )  # fmt: skip
            done = await record(self.ledger, move, "status")
            costs[product_id] = -done["totalCost"]
        return costs

    async def restock(self, order: Document, actor: str) -> None:
        """Bring a shipped order's units back at the cost they left with."""
        for sale in await self.moves.of_order(order["_id"]):
            if sale["kind"] != StockMoveKind.SALE.value or sale["state"] != MoveState.DONE.value:
                continue
            level = await self.levels.get(sale["levelId"])
            assert level is not None
            move = new_move(
                StockMoveKind.RETURN, level, -sale["quantity"], utc_now(), actor=actor,
                order_id=order["_id"], returned=returned_lots(sale),
                key=f"return:{order['_id']}:{sale['productId']}",
                extra={"returnedCost": -sale["totalCost"], "lines": sale.get("lines")},
            )  # fmt: skip
            await record(self.ledger, move, "status")

    # Recovery

    async def release_orphans(self) -> int:
        """Release reservations of orders that were never written or hold nothing any more
        (cancelled, refunded or shipped while this process died), once they are old enough."""
        before = utc_now() - ORPHAN_HOLD_AGE
        released = 0
        for level in await self.levels.stale_holds(before, RECOVERY_BATCH):
            for hold in level["holds"]:
                if hold["at"] >= before:
                    continue
                order = await self.orders.get(hold["orderId"])
                if order is None or order["status"] not in HOLDING:
                    await self.levels.release(level["_id"], hold["orderId"], hold["quantity"])
                    released += 1
            await self.levels.mark_oldest(level["_id"])
        return released
