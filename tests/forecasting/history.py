"""Sales histories whose structure is known, written as orders straight into MongoDB."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import numpy as np
from bson import ObjectId

from app.core.db import Document, MongoDatabase
from app.orders.repository import OrderRepository
from app.products.repository import ProductRepository

AS_OF = datetime(2026, 7, 1, tzinfo=UTC)  # a month's start: the history is the months before


def month_start(months_before: int) -> datetime:
    index = AS_OF.year * 12 + AS_OF.month - 1 - months_before
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)


def product(sku: str) -> Document:
    now = AS_OF - timedelta(days=2000)
    return {
        "_id": ObjectId(), "sku": sku, "name": sku.title(), "description": None,
        "price": 1000, "currency": "USD", "active": True, "createdAt": now, "updatedAt": now,
    }  # fmt: skip


def order(items: list[tuple[Document, int]], at: datetime, status: str = "DELIVERED") -> Document:
    lines = [
        {"productId": p["_id"], "sku": p["sku"], "name": p["name"], "quantity": q,
         "unitPrice": p["price"]}
        for p, q in items
    ]  # fmt: skip
    return {
        "_id": ObjectId(),
        "number": f"SO-{ObjectId()}",
        "customerId": ObjectId(),
        "items": lines,
        "currency": "USD",
        "total": sum(line["quantity"] * line["unitPrice"] for line in lines),
        "status": status,
        "placedAt": at,
        "statusHistory": [],
        "createdAt": at,
        "updatedAt": at,
    }


SHAPES: dict[str, Callable[[np.random.Generator, int], int]] = {
    # Month t (0 = oldest of 36): its units.
    "seasonal": lambda rng, t: max(0, round(40 + 25 * math.sin(2 * math.pi * t / 12)
                                           + rng.normal(0, 2))),
    "trend": lambda rng, t: max(0, round(10 + 2 * t + rng.normal(0, 2))),
    "intermittent": lambda rng, t: int(rng.poisson(5) + 1) if rng.random() < 0.25 else 0,
}  # fmt: skip


async def build_history(db: MongoDatabase, months: int = 36, seed: int = 3) -> dict[str, Document]:
    """One product per shape sold for ``months`` months before AS_OF (an order per product
    and month, placed mid-month), a product never sold, and orders that must not count (a
    cancelled one, one after AS_OF)."""
    rng = np.random.default_rng(seed)
    products = {name: product(name) for name in [*SHAPES, "unsold"]}
    orders = []
    for t in range(months):
        at = month_start(months - t) + timedelta(days=14, hours=10)
        for name, shape in SHAPES.items():
            units = shape(rng, t)
            if units:
                orders.append(order([(products[name], units)], at))
    orders.append(order([(products["seasonal"], 10_000)], month_start(2), status="CANCELLED"))
    orders.append(order([(products["seasonal"], 10_000)], AS_OF + timedelta(hours=1)))
    await ProductRepository(db).insert_many(list(products.values()))
    await OrderRepository(db).insert_many(orders)
    return products
