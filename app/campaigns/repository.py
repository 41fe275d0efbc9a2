"""Campaigns, the customers' assignments to their variants, and the events of exposure."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument
from pymongo.errors import BulkWriteError

from app.core.batches import chunks
from app.core.db import Document
from app.core.repository import DUPLICATE_KEY, Repository

SORT_FIELDS = ("createdAt", "updatedAt", "startedAt")


def assignment_id(campaign_id: ObjectId, customer_id: ObjectId) -> ObjectId:
    """One assignment per campaign and customer, carried by the ``_id``: a repeated write finds
    it there (the embedded store checks compound unique indexes by scanning). An ObjectId made
    of the pair's SHA-256, not their text: the embedded store looks ObjectIds up by index and
    scans for strings."""
    pair = f"{campaign_id}:{customer_id}".encode()
    return ObjectId(hashlib.sha256(pair).digest()[:12])


def assignment_document(
    campaign_id: ObjectId, customer_id: ObjectId, variant: str, now: datetime, by: str
) -> Document:
    """``by``: hash (the campaign's seed) or events (the sending tool's)."""
    return {
        "_id": assignment_id(campaign_id, customer_id),
        "campaignId": campaign_id,
        "customerId": customer_id,
        "variant": variant,
        "assignedAt": now,
        "by": by,
    }


def event_id(campaign_id: ObjectId, customer_id: ObjectId, event: str, at: datetime) -> str:
    """Events are idempotent per customer, event and time (milliseconds, as BSON keeps them)."""
    millis = int(at.timestamp() * 1000)
    return f"{campaign_id}:{customer_id}:{event}:{millis}"


class CampaignRepository(Repository):
    collection_name = "campaigns"
    list_order = (("createdAt", -1),)
    indexes = (
        IndexModel([("nameKey", ASCENDING)], unique=True, name="nameKey_unique"),
        *(
            IndexModel([(field, DESCENDING), ("_id", DESCENDING)], name=f"{field}_id")
            for field in SORT_FIELDS
        ),
        IndexModel(
            [("status", ASCENDING), ("createdAt", DESCENDING), ("_id", DESCENDING)],
            name="status_createdAt",
        ),
        IndexModel(
            [("channel", ASCENDING), ("createdAt", DESCENDING), ("_id", DESCENDING)],
            name="channel_createdAt",
        ),
    )

    async def insert(self, document: Document) -> Document:
        result = await self.collection.insert_one(document)
        return {**document, "_id": result.inserted_id}

    async def change(
        self, campaign_id: ObjectId, changes: dict[str, Any], *, status_in: list[str]
    ) -> Document | None:
        """Set ``changes`` if the campaign (still) has one of ``status_in``."""
        return await self.collection.find_one_and_update(
            {"_id": campaign_id, "status": {"$in": status_in}},
            {"$set": changes},
            return_document=ReturnDocument.AFTER,
        )

    async def by_name_keys(self, keys: Sequence[str]) -> dict[str, Document]:
        return {doc["nameKey"]: doc for doc in await self.find_in("nameKey", keys)}


class CampaignAssignmentRepository(Repository):
    """One document per (campaign, customer): ``variant`` (a key, or ``holdout``)."""

    collection_name = "campaign_assignments"
    indexes = (
        IndexModel(
            [("campaignId", ASCENDING), ("variant", ASCENDING), ("customerId", ASCENDING)],
            name="campaign_variant_customer",
        ),
        IndexModel(
            [("campaignId", ASCENDING), ("customerId", ASCENDING)], name="campaign_customer"
        ),
    )

    async def add(self, documents: list[Document]) -> int:
        """Insert new assignments; existing ones are kept as they were (a customer never
        changes variant). Returns how many were new."""
        if not documents:
            return 0
        try:
            await self.collection.insert_many(documents, ordered=False)
        except BulkWriteError as error:
            failures = error.details["writeErrors"]
            if any(failure["code"] != DUPLICATE_KEY for failure in failures):
                raise
            return len(documents) - len(failures)
        return len(documents)

    async def of(self, campaign_id: ObjectId, customer_ids: Sequence[ObjectId]) -> dict[Any, str]:
        """The variant of each of these customers who has one."""
        found = await self.find_in(
            "customerId",
            customer_ids,
            {"_id": 0, "customerId": 1, "variant": 1},
            where={"campaignId": campaign_id},
        )
        return {doc["customerId"]: doc["variant"] for doc in found}

    async def sizes(self, campaign_id: ObjectId) -> dict[str, int]:
        """Assigned customers per variant key (``holdout`` included)."""
        pipeline: list[Document] = [
            {"$match": {"campaignId": campaign_id}},
            {"$group": {"_id": "$variant", "n": {"$sum": 1}}},
        ]
        cursor = await self.collection.aggregate(pipeline)
        return {doc["_id"]: doc["n"] async for doc in cursor}

    async def members(self, campaign_id: ObjectId) -> list[ObjectId]:
        """Every assigned customer (the holdout too)."""
        cursor = self.collection.find({"campaignId": campaign_id}, {"customerId": 1})
        return [doc["customerId"] async for doc in cursor]

    async def holdout(self, campaign_id: ObjectId) -> list[Document]:
        """The holdout's customers and when each joined: ``{customerId assignedAt}``."""
        cursor = self.collection.find(
            {"campaignId": campaign_id, "variant": "holdout"},
            {"_id": 0, "customerId": 1, "assignedAt": 1},
        )
        return await cursor.to_list()

    async def any(self, campaign_id: ObjectId) -> bool:
        return await self.exists({"campaignId": campaign_id})


class CampaignEventRepository(Repository):
    collection_name = "campaign_events"
    indexes = (
        IndexModel(
            [("campaignId", ASCENDING), ("customerId", ASCENDING), ("at", ASCENDING)],
            name="campaign_customer_at",
        ),
    )

    async def add(self, documents: list[Document]) -> int:
        """Insert events carrying their ``event_id``; repeats are skipped. Returns how many
        were new."""
        added = 0
        for part in chunks(documents, 1_000):
            try:
                await self.collection.insert_many(list(part), ordered=False)
                added += len(part)
            except BulkWriteError as error:
                failures = error.details["writeErrors"]
                if any(failure["code"] != DUPLICATE_KEY for failure in failures):
                    raise
                added += len(part) - len(failures)
        return added

    async def per_customer(self, campaign_id: ObjectId) -> list[Document]:
        """Per customer with events: their variant, when they were first reached (an open,
        click or reported conversion implies an exposure), and when they first opened and
        clicked."""

        def first(event: str) -> Document:
            return {"$min": {"$cond": [{"$eq": ["$event", event]}, "$at", None]}}

        pipeline: list[Document] = [
            {"$match": {"campaignId": campaign_id}},
            {"$sort": {"customerId": 1, "at": 1}},
            {
                "$group": {
                    "_id": "$customerId",
                    "variant": {"$first": "$variant"},
                    "exposedAt": {"$min": "$at"},
                    "openedAt": first("OPENED"),
                    "clickedAt": first("CLICKED"),
                }
            },
        ]
        cursor = await self.collection.aggregate(pipeline, allowDiskUse=True)
        return await cursor.to_list()

    async def conversions(self, campaign_id: ObjectId) -> list[Document]:
        """The conversions the sending tool reported: ``{customerId at revenue}``."""
        cursor = self.collection.find(
            {"campaignId": campaign_id, "event": "CONVERTED"},
            {"_id": 0, "customerId": 1, "at": 1, "revenue": 1},
        )
        return await cursor.to_list()
