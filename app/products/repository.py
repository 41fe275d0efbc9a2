"""The ``products`` collection."""

from __future__ import annotations

from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument

from app.core.db import Document
from app.core.repository import Repository

SORT_FIELDS = ("createdAt", "name", "sku", "price")


class ProductRepository(Repository):
    collection_name = "products"
    list_order = (("name", 1),)
    indexes = (
        IndexModel([("sku", ASCENDING)], unique=True, name="sku_unique"),
        *(
            IndexModel([(field, DESCENDING), ("_id", DESCENDING)], name=f"{field}_id")
            for field in SORT_FIELDS
        ),
        IndexModel([("active", ASCENDING), ("name", ASCENDING)], name="active_name"),
    )

    async def insert(self, document: Document) -> Document:
        result = await self.collection.insert_one(document)
        return {**document, "_id": result.inserted_id}

    async def update(self, object_id: ObjectId, changes: dict[str, Any]) -> Document | None:
        return await self.collection.find_one_and_update(
            {"_id": object_id}, {"$set": changes}, return_document=ReturnDocument.AFTER
        )

    async def first(self, limit: int) -> list[Document]:
        """The oldest ``limit`` products."""
        return await self.collection.find({}).sort("_id", 1).limit(limit).to_list()

    async def by_skus(self, skus: list[str]) -> dict[str, Document]:
        return {doc["sku"]: doc for doc in await self.find_in("sku", skus)}
