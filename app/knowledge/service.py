"""Articles: writing, the publishing states, and the counters readers move."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bson import ObjectId

from app.core.db import Document, MongoDatabase
from app.core.errors import ErrorCode, InputError
from app.core.validation import Checker, check_transition
from app.knowledge.models import (
    MAX_BODY,
    MAX_TAGS,
    MAX_TITLE,
    TRANSITIONS,
    ArticleStatus,
    new_article,
)
from app.knowledge.repository import PUBLISHED, ArticleRepository
from app.knowledge.suggest import forget_index
from app.tagging.repository import TagRepository
from app.tagging.service import LANGUAGES, check_tag_names


class ArticleService:
    def __init__(self, db: MongoDatabase) -> None:
        self.db = db
        self.articles = ArticleRepository(db)
        self.tags = TagRepository(db)

    async def create(self, values: dict[str, Any]) -> Document:
        fields = await self._clean(values, creating=True)
        return await self.articles.insert(new_article(fields, datetime.now(UTC)))

    async def update(self, article_id: ObjectId, values: dict[str, Any]) -> Document:
        fields = await self._clean(values, creating=False)
        if not fields:
            return await self.get(article_id)
        changed = await self.articles.change(article_id, {**fields, "updatedAt": _now()})
        if changed is None:
            raise InputError.one("id", ErrorCode.NOT_FOUND, "No article has this ID.")
        forget_index(self.db)
        return changed

    async def publish(self, article_id: ObjectId) -> Document:
        return await self._move(article_id, ArticleStatus.PUBLISHED)

    async def archive(self, article_id: ObjectId) -> Document:
        return await self._move(article_id, ArticleStatus.ARCHIVED)

    async def get(self, article_id: ObjectId, field: str = "id") -> Document:
        article = await self.articles.get(article_id)
        if article is None:
            raise InputError.one(field, ErrorCode.NOT_FOUND, "No article has this ID.")
        return article

    async def count(self, article_id: ObjectId, counters: dict[str, int], field: str) -> Document:
        """Move an article's counters (views, helpful, ...): NOT_FOUND if it is gone."""
        counted = await self.articles.count_up(article_id, counters)
        if counted is None:
            raise InputError.one(field, ErrorCode.NOT_FOUND, "No article has this ID.")
        return counted

    async def viewed(self, article_id: ObjectId, *, published_only: bool) -> Document:
        """Count a view; ``published_only``: a customer, for whom drafts do not exist."""
        if published_only and (await self.get(article_id, "articleId"))["status"] != PUBLISHED:
            raise InputError.one("articleId", ErrorCode.NOT_FOUND, "No article has this ID.")
        return await self.count(article_id, {"views": 1}, "articleId")

    async def _move(self, article_id: ObjectId, status: ArticleStatus) -> Document:
        article = await self.get(article_id)
        current = ArticleStatus(article["status"])
        check_transition(TRANSITIONS, current, status)
        now = _now()
        changes: dict[str, Any] = {"status": status.value, "updatedAt": now}
        if status is ArticleStatus.PUBLISHED:
            changes["publishedAt"] = now
        # Only from the state it was read in: two editors cannot both move it.
        moved = await self.articles.change(article_id, changes, status_in=[current.value])
        if moved is None:
            raise InputError.one(
                "id", ErrorCode.INVALID_TRANSITION, "The article changed meanwhile; reload it."
            )
        forget_index(self.db)
        return moved

    async def _clean(self, values: dict[str, Any], *, creating: bool) -> dict[str, Any]:
        check = Checker()
        fields: dict[str, Any] = {}
        for name, limit in (("title", MAX_TITLE), ("body", MAX_BODY)):
            if creating or name in values:
                cleaned = check.text(name, values.get(name), required=True, max_length=limit)
                if cleaned is not None:
                    fields[name] = cleaned
        language = values.get("language")
        if creating or "language" in values:
            if language not in LANGUAGES:
                check.add("language", ErrorCode.INVALID, f"Languages are {', '.join(LANGUAGES)}.")
            else:
                fields["language"] = language
        tags = values.get("tags")
        if creating or "tags" in values:
            names = list(dict.fromkeys(str(t).strip().lower() for t in tags or []))
            if len(names) > MAX_TAGS:
                check.add("tags", ErrorCode.INVALID, f"At most {MAX_TAGS} tags.")
            else:
                await check_tag_names(self.tags, check, "tags", names)
                fields["tags"] = names
        check.raise_if_any()
        return fields


def _now() -> datetime:
    return datetime.now(UTC)
