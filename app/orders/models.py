"""Order documents: their statuses, the moves between them, and what a stored order holds."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import Enum

from bson import ObjectId

from app.core.db import Document

TYPE_NAME = "Order"


class OrderStatus(Enum):
    PENDING = "PENDING"
    PAID = "PAID"
    SHIPPED = "SHIPPED"
    DELIVERED = "DELIVERED"
    CANCELLED = "CANCELLED"
    REFUNDED = "REFUNDED"


TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.PENDING: frozenset({OrderStatus.PAID, OrderStatus.CANCELLED}),
    OrderStatus.PAID: frozenset({OrderStatus.SHIPPED, OrderStatus.REFUNDED}),
    OrderStatus.SHIPPED: frozenset({OrderStatus.DELIVERED}),
    OrderStatus.DELIVERED: frozenset({OrderStatus.REFUNDED}),
}

# Orders that brought no money; customer stats leave them out.
NOT_REVENUE = (OrderStatus.CANCELLED.value, OrderStatus.REFUNDED.value)


def order_total(items: Sequence[Document]) -> int:
    return sum(item["unitPrice"] * item["quantity"] for item in items)


def new_order(
    *,
    number: str,
    customer_id: ObjectId,
    items: Sequence[Document],
    currency: str,
    placed_at: datetime,
    history: Sequence[Document],
    now: datetime,
) -> Document:
    """An order as stored. ``items`` are ``{productId sku name quantity unitPrice}``; the
    status is the last of ``history``; the total is computed here, nowhere else."""
    return {
        "number": number,
        "customerId": customer_id,
        "items": list(items),
        "currency": currency,
        "total": order_total(items),
        "status": history[-1]["status"],
        "placedAt": placed_at,
        "statusHistory": list(history),
        "createdAt": now,
        "updatedAt": now,
    }
