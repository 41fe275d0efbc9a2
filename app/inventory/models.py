"""Inventory documents: warehouses, stock levels, cost lots, moves and fulfilments.

Quantities are whole units; costs are integer minor units of the product's currency.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

from bson import ObjectId

from app.core.db import Document

WAREHOUSE = "Warehouse"
STOCK_MOVE = "StockMove"
FULFILMENT = "Fulfilment"
DEFAULT_WAREHOUSE = "MAIN"


class CostingMethod(Enum):
    FIFO = "FIFO"
    LIFO = "LIFO"
    AVERAGE = "AVERAGE"


class StockMoveKind(Enum):
    RECEIPT = "RECEIPT"
    SALE = "SALE"
    RETURN = "RETURN"
    ADJUSTMENT = "ADJUSTMENT"
    TRANSFER_OUT = "TRANSFER_OUT"
    TRANSFER_IN = "TRANSFER_IN"


LOT_SOURCES = {
    StockMoveKind.RECEIPT: "RECEIPT",
    StockMoveKind.RETURN: "RETURN",
    StockMoveKind.ADJUSTMENT: "ADJUSTMENT",
    StockMoveKind.TRANSFER_IN: "TRANSFER",
}


class MoveState(Enum):
    """How far a move is applied (see app.inventory.ledger)."""

    WAITING = "WAITING"  # a transfer's way in, until its way out is done
    PLANNING = "PLANNING"  # holds its stock level; the lots it takes are not chosen yet
    PENDING = "PENDING"  # planned: lots and cost fixed, being applied
    DONE = "DONE"
    FAILED = "FAILED"  # refused when applied (the stock was taken meanwhile); nothing moved


class FulfilmentStatus(Enum):
    QUEUED = "QUEUED"
    IN_PROGRESS = "IN_PROGRESS"
    ON_HOLD = "ON_HOLD"
    DONE = "DONE"
    CANCELLED = "CANCELLED"


def new_warehouse(code: str, name: str, now: datetime) -> Document:
    return {"code": code, "name": name, "active": True, "createdAt": now}


def level_id(product_id: ObjectId, warehouse_id: ObjectId) -> str:
    """One level per product and warehouse: the ``_id`` says so (no compound unique index,
    which the embedded store checks by scanning the collection on every insert)."""
    return f"{product_id}:{warehouse_id}"


def new_level(product: Document, warehouse_id: ObjectId) -> Document:
    """An empty stock level of a product in a warehouse."""
    return {
        "_id": level_id(product["_id"], warehouse_id),
        "productId": product["_id"],
        "warehouseId": warehouse_id,
        "currency": product["currency"],
        "onHand": 0,
        "reserved": 0,
        "available": 0,
        "value": 0,  # cost of what is on hand
        "seq": 0,  # moves applied
        "pending": None,  # the move being applied, if any
        "lastMoveAt": None,
        "holds": [],  # reservations: [{orderId, quantity, at}]; oldestHoldAt set with them
        "reorderRule": None,
    }


def new_move(
    kind: StockMoveKind,
    level: Document,
    quantity: int,
    at: datetime,
    *,
    actor: str | None,
    note: str | None = None,
    order_id: ObjectId | None = None,
    unit_cost: int | None = None,
    returned: list[Document] | None = None,
    state: MoveState = MoveState.PLANNING,
    key: str | None = None,
    extra: dict[str, Any] | None = None,
) -> Document:
    """A move as first written, before it is planned. ``quantity`` is signed: positive in,
    negative out. What comes in carries its unit cost (a receipt, an adjustment up), or the
    lots it returns (``returned``: [{quantity, unitCost}], a return or a transfer in)."""
    return {
        "kind": kind.value,
        "productId": level["productId"],
        "warehouseId": level["warehouseId"],
        "levelId": level["_id"],
        "currency": level["currency"],
        "quantity": quantity,
        "unitCost": unit_cost,
        "returned": returned,
        "orderId": order_id,
        "at": at,
        "actor": actor,
        "note": note,
        "state": state.value,
        "key": key or str(ObjectId()),
        "lots": [],
        "totalCost": None,
        "seq": None,
        "createdAt": at,
        **(extra or {}),
    }


def new_fulfilment(
    order: Document, warehouse_id: ObjectId, priority: int, fulfil_by: datetime, now: datetime
) -> Document:
    return {
        "orderId": order["_id"],
        "warehouseId": warehouse_id,
        "status": FulfilmentStatus.QUEUED.value,
        "priority": priority,
        "fulfilBy": fulfil_by,
        "claimedBy": None,
        "claimedAt": None,
        "holdReason": None,
        "trackingNumber": None,
        "createdAt": now,
        "updatedAt": now,
    }
