"""A purchase history with a planted propensity signal that recency alone misses.

Every customer buys as a Poisson process at their own rate. Some file complaint tickets
(sentiment -0.8); after a complaint, a customer mostly stops buying. The complaint comes
shortly after a purchase, so at a cut-off the complainers still look recent: recency alone
ranks them as likely buyers, while the complaint share and sentiment show they have left.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from bson import ObjectId

from app.core.db import Document, MongoDatabase

AS_OF = datetime(2026, 6, 30, tzinfo=UTC)
DAYS = 540
BATCH = 2_000


def _customer(index: int, created: datetime) -> Document:
    return {
        "_id": ObjectId(),
        "name": f"Buyer {index}",
        "email": f"buyer.{index}@example.com",
        "tags": [],
        "lifecycleStage": "CUSTOMER",
        "createdAt": created,
        "updatedAt": created,
        "archivedAt": None,
    }


def _order(customer: ObjectId, at: datetime, total: int, number: int) -> Document:
    return {
        "_id": ObjectId(),
        "number": f"SO-{number:07d}",
        "customerId": customer,
        "items": [],
        "currency": "USD",
        "total": total,
        "status": "DELIVERED",
        "placedAt": at,
        "statusHistory": [],
        "createdAt": at,
        "updatedAt": at,
    }


def _ticket(customer: ObjectId, at: datetime, complaint: bool, number: int) -> Document:
    return {
        "_id": ObjectId(),
        "number": f"T-{number:07d}",
        "customerId": customer,
        "type": "COMPLAINT" if complaint else "CONSULTATION",
        "status": "CLOSED",
        "subject": "Late delivery" if complaint else "A question",
        "sentiment": {
            "label": "NEGATIVE" if complaint else "NEUTRAL",
            "score": -0.8 if complaint else 0.1,
        },
        "createdAt": at,
        "updatedAt": at,
    }


def simulate(
    customers: int, seed: int = 3
) -> tuple[list[Document], list[Document], list[Document]]:
    """Customers, orders and tickets over ``DAYS`` days up to ``AS_OF``."""
    rng = random.Random(seed)
    start = AS_OF - timedelta(days=DAYS)
    people, orders, tickets = [], [], []
    for index in range(customers):
        joined = rng.uniform(0, DAYS * 0.6)
        person = _customer(index, start + timedelta(days=joined))
        people.append(person)
        rate = rng.uniform(1 / 60, 1 / 20)  # orders per day
        complains = rng.random() < 0.3
        complaint_day = rng.uniform(joined + 30, DAYS) if complains else None
        day = joined + rng.expovariate(rate)
        while day < DAYS:
            left = complaint_day is not None and day > complaint_day
            if not left or rng.random() < 0.1:
                at = start + timedelta(days=day)
                orders.append(_order(person["_id"], at, rng.randint(2_000, 9_000), len(orders)))
            day += rng.expovariate(rate)
        for _ in range(int(rng.random() < 0.3)):  # some ask a question now and then
            at = start + timedelta(days=rng.uniform(joined, DAYS))
            tickets.append(_ticket(person["_id"], at, False, len(tickets)))
        if complaint_day is not None:
            at = start + timedelta(days=complaint_day)
            tickets.append(_ticket(person["_id"], at, True, len(tickets)))
    return people, orders, tickets


async def insert(db: MongoDatabase, customers: int, seed: int = 3) -> tuple[int, int]:
    """Insert the simulated history in batches; returns (customers, orders)."""
    people, orders, tickets = simulate(customers, seed)
    for name, documents in (("customers", people), ("orders", orders), ("tickets", tickets)):
        for start in range(0, len(documents), BATCH):
            await db[name].insert_many(documents[start : start + BATCH])
    return len(people), len(orders)


def grouped(
    orders: list[Document], tickets: list[Document]
) -> tuple[list[Document], list[Document]]:
    """The rows MongoDB's grouping returns (``revenue_histories``, ``customer_histories``),
    made in memory: the pure training functions are tested at sizes the embedded store is
    slow to write (about 2 ms an order and 7 ms a ticket)."""
    by_customer: dict[ObjectId, Document] = {}
    for order in orders:
        row = by_customer.setdefault(
            order["customerId"], {"_id": order["customerId"], "at": [], "total": []}
        )
        row["at"].append(order["placedAt"])
        row["total"].append(order["total"])
    asked: dict[ObjectId, Document] = {}
    for ticket in tickets:
        row = asked.setdefault(
            ticket["customerId"],
            {"_id": ticket["customerId"], "at": [], "complaint": [], "sentiment": []},
        )
        row["at"].append(ticket["createdAt"])
        row["complaint"].append(ticket["type"] == "COMPLAINT")
        row["sentiment"].append(ticket["sentiment"]["score"])
    return list(by_customer.values()), list(asked.values())
