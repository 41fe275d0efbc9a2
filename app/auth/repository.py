"""The ``api_keys`` collection."""

from __future__ import annotations

from datetime import datetime

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument

from app.core.db import Document
from app.core.repository import Repository

MAX_KEYS_LISTED = 1000


class ApiKeyRepository(Repository):
    collection_name = "api_keys"
    indexes = (
        IndexModel([("prefix", ASCENDING)], unique=True, name="prefix_unique"),
        IndexModel([("createdAt", DESCENDING)], name="createdAt"),
    )

    async def insert(self, document: Document) -> Document:
        result = await self.collection.insert_one(document)
        return {**document, "_id": result.inserted_id}

    async def by_prefix(self, prefix: str) -> Document | None:
        return await self.collection.find_one({"prefix": prefix})

    async def listing(self) -> list[Document]:
        cursor = self.collection.find({}, sort=[("createdAt", DESCENDING)])
        return await cursor.limit(MAX_KEYS_LISTED).to_list()

    async def revoke(self, query: dict[str, object], now: datetime) -> Document | None:
        return await self.collection.find_one_and_update(
            {**query, "revokedAt": None},
            {"$set": {"revokedAt": now}},
            return_document=ReturnDocument.AFTER,
        )

    async def touch(self, object_id: ObjectId, now: datetime) -> None:
        await self.collection.update_one({"_id": object_id}, {"$set": {"lastUsedAt": now}})
