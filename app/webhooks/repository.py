"""Webhook endpoints and the outbox of their deliveries (one document per event and endpoint)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument, UpdateOne

from app.core.db import Document
from app.core.repository import Repository
from app.webhooks.models import DISABLE_AFTER, WebhookDeliveryStatus

# Delivered and failed deliveries are kept this long for webhookDeliveries, then expire.
KEEP_DELIVERIES = timedelta(days=30)
PENDING = WebhookDeliveryStatus.PENDING.value


class WebhookEndpointRepository(Repository):
    collection_name = "webhook_endpoints"
    list_order = (("_id", 1),)
    indexes = (IndexModel([("events", ASCENDING), ("active", ASCENDING)], name="events_active"),)

    async def insert(self, document: Document) -> Document:
        result = await self.collection.insert_one(document)
        return {**document, "_id": result.inserted_id}

    async def all(self, limit: int) -> list[Document]:
        return await self.collection.find().sort("_id", ASCENDING).limit(limit).to_list()

    async def count_all(self) -> int:
        return await self.collection.count_documents({})

    async def subscribed(self, event: str) -> list[Document]:
        """The active endpoints that take ``event``."""
        return await self.collection.find({"events": event, "active": True}, {"_id": 1}).to_list()

    async def change(self, endpoint_id: ObjectId, changes: Document) -> Document | None:
        return await self.collection.find_one_and_update(
            {"_id": endpoint_id}, {"$set": changes}, return_document=ReturnDocument.AFTER
        )

    async def delete(self, endpoint_id: ObjectId) -> Document | None:
        return await self.collection.find_one_and_delete({"_id": endpoint_id})

    async def succeeded(self, endpoint_id: ObjectId) -> None:
        await self.collection.update_one(
            {"_id": endpoint_id, "failingSince": {"$ne": None}}, {"$set": {"failingSince": None}}
        )

    async def failed(self, endpoint_id: ObjectId, now: datetime) -> bool:
        """Note a failure; disables the endpoint once it has failed for ``DISABLE_AFTER``.
        True if this call disabled it."""
        await self.collection.update_one(
            {"_id": endpoint_id, "failingSince": None}, {"$set": {"failingSince": now}}
        )
        disabled = await self.collection.update_one(
            # "$ne": null as well: MongoDB's $lte on a date never matches null, the embedded
            # store's does (a success may have cleared failingSince in between).
            {
                "_id": endpoint_id,
                "active": True,
                "failingSince": {"$ne": None, "$lte": now - DISABLE_AFTER},
            },
            {
                "$set": {
                    "active": False,
                    "disabledAt": now,
                    "disabledReason": "Every delivery failed for 5 days.",
                }
            },
        )
        return disabled.modified_count == 1


class WebhookDeliveryRepository(Repository):
    collection_name = "webhook_deliveries"
    list_order = (("_id", -1),)
    indexes = (
        IndexModel([("status", ASCENDING), ("nextAttemptAt", ASCENDING)], name="due"),
        IndexModel(
            [("endpointId", ASCENDING), ("status", ASCENDING), ("_id", DESCENDING)],
            name="endpoint_status",
        ),
        IndexModel([("endpointId", ASCENDING), ("_id", DESCENDING)], name="endpoint"),
        IndexModel(
            [("customerId", ASCENDING), ("status", ASCENDING)], name="customer", sparse=True
        ),
        IndexModel([("expiresAt", ASCENDING)], expireAfterSeconds=0, name="expire"),
    )

    async def add(self, documents: list[Document]) -> None:
        if documents:
            await self.collection.insert_many(documents, ordered=False)

    async def claim(self, now: datetime, lease: timedelta, limit: int) -> list[Document]:
        """Up to ``limit`` due deliveries, held for ``lease``: their next attempt moves past it,
        so no other dispatcher takes them meanwhile, and one that dies lets them come due
        again. Three commands whatever ``limit`` is."""
        due = {"status": PENDING, "nextAttemptAt": {"$lte": now}}
        found = (
            await self.collection.find(due, {"_id": 1})
            .sort("nextAttemptAt", ASCENDING)
            .limit(limit)
            .to_list()
        )
        if not found:
            return []
        ids = [doc["_id"] for doc in found]
        token = ObjectId()
        await self.collection.update_many(
            {"_id": {"$in": ids}, **due},
            {
                "$set": {"nextAttemptAt": now + lease, "leasedAt": now, "lease": token},
                "$inc": {"attempts": 1},
            },
        )
        return await self.collection.find({"_id": {"$in": ids}, "lease": token}).to_list()

    async def finish(self, outcomes: list[tuple[Document, Document]]) -> None:
        """Record each attempt's outcome ``(delivery as claimed, changes)``, if its lease is
        still that attempt's (one bulk write)."""
        writes = []
        for delivery, changes in outcomes:
            if changes.get("status", PENDING) != PENDING:
                changes = {**changes, "expiresAt": changes["lastAttemptAt"] + KEEP_DELIVERIES}
            writes.append(
                UpdateOne({"_id": delivery["_id"], "lease": delivery["lease"]}, {"$set": changes})
            )
        if writes:
            await self.collection.bulk_write(writes, ordered=False)

    async def redeliver(self, delivery_id: ObjectId, now: datetime) -> Document | None:
        """Due again at once, with the same ``webhook-id`` (receivers de-duplicate by it)."""
        return await self.collection.find_one_and_update(
            {"_id": delivery_id},
            {
                "$set": {"status": PENDING, "nextAttemptAt": now, "expiresAt": None},
                "$unset": {"leasedAt": "", "lease": ""},
            },
            return_document=ReturnDocument.AFTER,
        )

    async def of_endpoint(
        self, endpoint_id: ObjectId, status: str | None, before: ObjectId | None, limit: int
    ) -> list[Document]:
        """Newest first; ``before``: the last ID of the previous page."""
        query: dict[str, Any] = {"endpointId": endpoint_id}
        if status is not None:
            query["status"] = status
        if before is not None:
            query["_id"] = {"$lt": before}
        return await self.collection.find(query).sort("_id", DESCENDING).limit(limit).to_list()

    async def scrub_customer(self, customer_id: ObjectId, replacement: str) -> int:
        """Replace the payloads that concern this customer (an erasure), whatever their
        status; pending ones are still sent, saying only that the data was erased."""
        result = await self.collection.update_many(
            {"customerId": customer_id, "body": {"$ne": replacement}},
            {"$set": {"body": replacement, "scrubbed": True}},
        )
        return result.modified_count
