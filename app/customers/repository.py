"""The ``customers`` collection."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, TEXT, IndexModel, ReturnDocument

from app.core.db import Document
from app.core.paging import and_filters
from app.core.repository import Repository

# Sort keys the API offers; each has an index ending in _id (keyset pagination).
SORT_FIELDS = ("createdAt", "updatedAt", "name", "email")


class CustomerRepository(Repository):
    collection_name = "customers"
    indexes = (
        IndexModel([("email", ASCENDING)], unique=True, name="email_unique"),
        IndexModel(
            [("name", TEXT), ("email", TEXT), ("company", TEXT)],
            name="customer_text",
            # No stemming or stop words: names and companies are in many languages. The override
            # names a field never written, so no document field can pick another language.
            default_language="none",
            language_override="textLanguage",
        ),
        *(
            IndexModel([(field, DESCENDING), ("_id", DESCENDING)], name=f"{field}_id")
            for field in SORT_FIELDS
        ),
        IndexModel([("lifecycleStage", ASCENDING), ("createdAt", DESCENDING)], name="stage"),
        IndexModel([("tags", ASCENDING)], name="tags"),
        IndexModel([("company", ASCENDING)], name="company"),
        IndexModel([("archivedAt", ASCENDING)], name="archived"),
    )

    async def insert(self, document: Document) -> Document:
        result = await self.collection.insert_one(document)
        return {**document, "_id": result.inserted_id}

    async def by_email(self, email: str) -> Document | None:
        return await self.collection.find_one({"email": email})

    async def ids_by_emails(self, emails: list[str]) -> dict[str, ObjectId]:
        found = await self.find_in("email", emails, {"email": 1})
        return {doc["email"]: doc["_id"] for doc in found}

    async def matching_ids(self, query: dict[str, Any], ids: Sequence[ObjectId]) -> list[Document]:
        """The customers among ``ids`` (a bounded batch) that match ``query``."""
        return await self.collection.find(and_filters(query, {"_id": {"$in": list(ids)}})).to_list()

    async def update(
        self, object_id: ObjectId, changes: dict[str, Any], *, guard: dict[str, Any] | None = None
    ) -> Document | None:
        """Apply ``$set`` changes if the document matches ``guard``; the new document or None."""
        return await self.collection.find_one_and_update(
            {"_id": object_id, **(guard or {})},
            {"$set": changes},
            return_document=ReturnDocument.AFTER,
        )

    async def ids_matching(self, query: dict[str, Any]) -> list[ObjectId]:
        """The IDs of every customer matching ``query`` (a translated filter), in ID order."""
        cursor = self.collection.find(query, {"_id": 1}, sort=[("_id", ASCENDING)])
        return [doc["_id"] async for doc in cursor]

    async def ids_created_before(self, moment: object) -> list[ObjectId]:
        """Every customer (archived too) that existed at ``moment``."""
        cursor = self.collection.find({"createdAt": {"$lte": moment}}, {"_id": 1})
        return [doc["_id"] async for doc in cursor]

    async def first(self, limit: int) -> list[Document]:
        """The oldest ``limit`` customers."""
        return await self.collection.find({}).sort("_id", 1).limit(limit).to_list()

    async def is_empty(self) -> bool:
        return await self.collection.find_one({}, {"_id": 1}) is None
