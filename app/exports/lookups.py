"""What exported rows need from other collections (a customer's email, an order's number, a
segment's label), read once per batch of rows with bounded ``$in`` lists on ``_id``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from bson import ObjectId

from app.core.batches import chunks
from app.core.db import Document, MongoDatabase
from app.customers.repository import CustomerRepository
from app.orders.repository import OrderRepository
from app.segmentation.repository import SegmentationRunRepository


@dataclass(frozen=True)
class Lookups:
    emails: dict[ObjectId, str] = field(default_factory=dict)
    order_numbers: dict[ObjectId, str] = field(default_factory=dict)
    segment_labels: dict[str, str] = field(default_factory=dict)


async def _values(
    db: MongoDatabase, collection: str, ids: Iterable[Any], name: str
) -> dict[Any, Any]:
    wanted = sorted({i for i in ids if i is not None})
    found: dict[Any, Any] = {}
    for part in chunks(wanted):
        cursor = db[collection].find({"_id": {"$in": list(part)}}, {name: 1})
        found.update({doc["_id"]: doc.get(name) async for doc in cursor})
    return found


async def _emails(db: MongoDatabase, docs: list[Document]) -> dict[ObjectId, str]:
    ids = (doc.get("customerId") for doc in docs)
    return await _values(db, CustomerRepository.collection_name, ids, "email")


async def nothing(db: MongoDatabase, docs: list[Document]) -> Lookups:
    return Lookups()


async def customers(db: MongoDatabase, docs: list[Document]) -> Lookups:
    return Lookups(emails=await _emails(db, docs))


async def customers_and_orders(db: MongoDatabase, docs: list[Document]) -> Lookups:
    ids = (doc.get("orderId") for doc in docs)
    numbers = await _values(db, OrderRepository.collection_name, ids, "number")
    return Lookups(emails=await _emails(db, docs), order_numbers=numbers)


async def customers_and_segments(db: MongoDatabase, docs: list[Document]) -> Lookups:
    """A batch of assignments comes from one run (the export's filter names it)."""
    labels: dict[str, str] = {}
    if docs:
        run = await db[SegmentationRunRepository.collection_name].find_one(
            {"_id": docs[0]["runId"]}, {"segments": 1}
        )
        labels = {s["key"]: s["label"] for s in (run or {}).get("segments") or []}
    return Lookups(emails=await _emails(db, docs), segment_labels=labels)
