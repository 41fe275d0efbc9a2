"""The ``articles`` collection."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, TEXT, IndexModel, ReturnDocument

from app.core.db import Document
from app.core.repository import Repository
from app.knowledge.models import ArticleStatus

SORT_FIELDS = ("createdAt", "updatedAt", "views")
PUBLISHED = ArticleStatus.PUBLISHED.value
# What the answer model reads of an article.
INDEXED = {"language": 1, "title": 1, "body": 1, "tags": 1}


class ArticleRepository(Repository):
    collection_name = "articles"
    list_order = (("updatedAt", -1),)
    indexes = (
        # "language" is ours (en/zh); MongoDB would read it as the text-index language and
        # refuse "zh" (error 17262): the override names a field the API never writes (the
        # evaluation's baseline sets it, to give $text English stemming).
        IndexModel(
            [("title", TEXT), ("body", TEXT)],
            name="article_text",
            default_language="none",
            language_override="textLanguage",
            weights={"title": 2, "body": 1},
        ),
        *(
            IndexModel([(field, DESCENDING), ("_id", DESCENDING)], name=f"{field}_id")
            for field in SORT_FIELDS
        ),
        # Filters (status, language, tag) in the default order.
        IndexModel(
            [("status", ASCENDING), ("updatedAt", DESCENDING), ("_id", DESCENDING)],
            name="status_updatedAt",
        ),
        IndexModel(
            [("language", ASCENDING), ("updatedAt", DESCENDING), ("_id", DESCENDING)],
            name="language_updatedAt",
        ),
        IndexModel(
            [("tags", ASCENDING), ("updatedAt", DESCENDING), ("_id", DESCENDING)],
            name="tags_updatedAt",
        ),
    )

    async def insert(self, document: Document) -> Document:
        result = await self.collection.insert_one(document)
        return {**document, "_id": result.inserted_id}

    async def change(
        self, article_id: ObjectId, changes: dict[str, Any], *, status_in: list[str] | None = None
    ) -> Document | None:
        """Set ``changes`` if the article (still) has one of ``status_in``."""
        query: dict[str, Any] = {"_id": article_id}
        if status_in is not None:
            query["status"] = {"$in": status_in}
        return await self.collection.find_one_and_update(
            query, {"$set": changes}, return_document=ReturnDocument.AFTER
        )

    async def count_up(self, article_id: ObjectId, counters: dict[str, int]) -> Document | None:
        return await self.collection.find_one_and_update(
            {"_id": article_id}, {"$inc": counters}, return_document=ReturnDocument.AFTER
        )

    async def version(self) -> tuple[datetime, ObjectId] | None:
        """The newest change of any article (one indexed read): every edit, publish and
        withdrawal sets ``updatedAt``; the counters never do. None when there are none."""
        newest = await self.collection.find_one(
            {}, {"updatedAt": 1}, sort=[("updatedAt", -1), ("_id", -1)]
        )
        return None if newest is None else (newest["updatedAt"], newest["_id"])

    async def published(self) -> list[Document]:
        """Every published article, as the answer model reads it."""
        return await self.collection.find({"status": PUBLISHED}, INDEXED).to_list()

    async def text_search(self, text: str, limit: int, language: str = "none") -> list[Document]:
        """Published articles by MongoDB's own ``$text`` score (the baseline the answer model
        is measured against); ``language``: the stemming and stop words of the query (MongoDB's
        language names), which match documents whose ``textLanguage`` is the same."""
        cursor = self.collection.find(
            {"$text": {"$search": text, "$language": language}, "status": PUBLISHED},
            {"score": {"$meta": "textScore"}, "language": 1, "title": 1},
            sort=[("score", {"$meta": "textScore"})],
            limit=limit,
        )
        return await cursor.to_list()
