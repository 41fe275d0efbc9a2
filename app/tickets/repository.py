"""The ``tickets`` collection."""

from __future__ import annotations

from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, TEXT, IndexModel, ReturnDocument

from app.db import Document
from app.repository import Repository

SORT_FIELDS = ("createdAt", "updatedAt", "priorityRank")


class TicketRepository(Repository):
    collection_name = "tickets"
    indexes = (
        IndexModel([("number", ASCENDING)], unique=True, name="number_unique"),
        IndexModel(
            [("subject", TEXT), ("body", TEXT)], name="ticket_text", default_language="none"
        ),
        # A customer's tickets, newest first.
        IndexModel(
            [("customerId", ASCENDING), ("createdAt", DESCENDING), ("_id", DESCENDING)],
            name="customer_createdAt",
        ),
        *(
            IndexModel([(field, DESCENDING), ("_id", DESCENDING)], name=f"{field}_id")
            for field in SORT_FIELDS
        ),
        IndexModel([("status", ASCENDING), ("createdAt", DESCENDING)], name="status_createdAt"),
        IndexModel([("type", ASCENDING), ("createdAt", DESCENDING)], name="type_createdAt"),
        IndexModel([("tags", ASCENDING)], name="tags"),
        IndexModel([("orderId", ASCENDING)], name="order", sparse=True),
    )

    async def insert(self, document: Document) -> Document:
        result = await self.collection.insert_one(document)
        return {**document, "_id": result.inserted_id}

    async def by_number(self, number: str) -> Document | None:
        return await self.collection.find_one({"number": number})

    async def update(
        self,
        ticket_id: ObjectId,
        guard: dict[str, Any],
        changes: dict[str, Any],
        push: dict[str, Any] | None = None,
    ) -> Document | None:
        """Apply changes if the ticket still matches ``guard`` (optimistic concurrency)."""
        update: dict[str, Any] = {"$set": changes}
        if push:
            update["$push"] = push
        return await self.collection.find_one_and_update(
            {"_id": ticket_id, **guard}, update, return_document=ReturnDocument.AFTER
        )
