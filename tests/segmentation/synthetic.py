"""A purchase history whose truth is known: loyal big spenders, one-off buyers, lapsed
customers and customers who never bought."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from bson import ObjectId

from app.core.db import Document, MongoDatabase
from app.customers.repository import CustomerRepository
from app.orders.repository import OrderRepository

AS_OF = datetime.now(UTC).replace(microsecond=0)


def _customer(kind: str, index: int) -> Document:
    created = AS_OF - timedelta(days=700)
    return {
        "_id": ObjectId(),
        "name": f"{kind} {index}",
        "email": f"{kind}.{index}@example.com",
        "tags": [],
        "lifecycleStage": "CUSTOMER",
        "createdAt": created,
        "updatedAt": created,
        "archivedAt": None,
    }


def _order(customer: Document, days_ago: float, total: int, status: str = "DELIVERED") -> Document:
    at = AS_OF - timedelta(days=days_ago)
    return {
        "_id": ObjectId(),
        "number": f"SO-{ObjectId()}",
        "customerId": customer["_id"],
        "items": [],
        "currency": "USD",
        "total": total,
        "status": status,
        "placedAt": at,
        "statusHistory": [],
        "createdAt": at,
        "updatedAt": at,
    }


async def build_history(db: MongoDatabase) -> dict[str, list[ObjectId]]:
    """Insert the history; returns customer ids by true kind."""
    rng = random.Random(5)
    customers: list[Document] = []
    orders: list[Document] = []
    truth: dict[str, list[ObjectId]] = {}
    for kind, count in (("loyal", 12), ("oneoff", 18), ("lapsed", 12), ("never", 6)):
        for index in range(count):
            customer = _customer(kind, index)
            customers.append(customer)
            truth.setdefault(kind, []).append(customer["_id"])
            if kind == "loyal":  # every month for a year, big baskets, bought last week
                orders += [
                    _order(customer, 3 + 30 * n + rng.uniform(0, 5), rng.randint(40_000, 60_000))
                    for n in range(12)
                ]
                # A cancelled order and a future one (after asOf) must not count.
                orders.append(_order(customer, 1, 9_999_999, status="CANCELLED"))
            elif kind == "oneoff":  # one small order, some weeks ago
                orders.append(_order(customer, rng.uniform(20, 120), rng.randint(1_500, 4_000)))
            elif kind == "lapsed":  # bought a few times, long ago
                orders += [
                    _order(customer, rng.uniform(420, 540), rng.randint(8_000, 15_000))
                    for _ in range(3)
                ]
    await CustomerRepository(db).insert_many(customers)
    await OrderRepository(db).insert_many(orders)
    return truth


async def few_buyers(db: MongoDatabase, count: int) -> None:
    """``count`` customers with one order each."""
    customers = [_customer("few", index) for index in range(count)]
    orders = [
        _order(customer, 10 + index, 1_000 * (index + 1))
        for index, customer in enumerate(customers)
    ]
    await CustomerRepository(db).insert_many(customers)
    await OrderRepository(db).insert_many(orders)
