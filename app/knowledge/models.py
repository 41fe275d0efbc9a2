"""The ``articles`` document: a help-center article in English or Chinese."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

from app.core.db import Document
from app.knowledge.retrieval import Entry

TYPE_NAME = "Article"
MAX_TITLE, MAX_BODY, MAX_TAGS = 200, 50_000, 10


class ArticleStatus(Enum):
    DRAFT = "DRAFT"
    PUBLISHED = "PUBLISHED"
    ARCHIVED = "ARCHIVED"


_S = ArticleStatus
# Drafts are published or dropped; a published article may be withdrawn and published again.
TRANSITIONS: dict[ArticleStatus, frozenset[ArticleStatus]] = {
    _S.DRAFT: frozenset({_S.PUBLISHED, _S.ARCHIVED}),
    _S.PUBLISHED: frozenset({_S.ARCHIVED}),
    _S.ARCHIVED: frozenset({_S.PUBLISHED}),
}
# The counters clients and answers move; they never touch updatedAt (that is the content's).
COUNTERS = ("views", "helpful", "notHelpful", "automaticAnswers", "deflections")


def new_article(fields: dict[str, Any], now: datetime) -> Document:
    return {
        **fields,
        "status": ArticleStatus.DRAFT.value,
        **dict.fromkeys(COUNTERS, 0),
        "createdAt": now,
        "updatedAt": now,
        "publishedAt": None,
    }


def entry_of(doc: Document) -> Entry:
    """The article as the answer model reads it."""
    return Entry(doc["_id"], doc["language"], doc["title"], doc["body"], tuple(doc["tags"]))
