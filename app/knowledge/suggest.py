"""Suggested articles for a question or a ticket: the answer model over the published
articles, built off the event loop and kept per process until an article changes (its newest
``updatedAt``, one indexed read per suggestion) or the taxonomy's keywords do.

Two articles changed in the same millisecond may leave the version where the first put it;
the next change of any article rebuilds the index.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import datetime

from bson import ObjectId

from app.core.cpu import run_cpu
from app.core.db import Document, MongoDatabase
from app.knowledge.analysis import default_lexicon
from app.knowledge.models import entry_of
from app.knowledge.repository import ArticleRepository
from app.knowledge.retrieval import ArticleIndex, Hit, default_calibration
from app.tagging.repository import TagRepository, keywords_of

MAX_SUGGESTIONS = 10
MAX_QUESTION = 5_000  # characters of a question the model reads


@dataclass
class Built:
    version: tuple[tuple[datetime, ObjectId] | None, int]
    index: ArticleIndex
    checked: float  # when the version was last read (monotonic seconds)


# Per database: the index and the version of the published set it was built from; and, per
# database and event loop, the lock that lets one build run while the others wait for it.
_INDEXES: dict[str, Built] = {}
_LOCKS: dict[tuple[str, int], asyncio.Lock] = {}
# A version read this recently is trusted without reading it again: another process's change
# reaches this one's suggestions within this time (this process's own changes at once).
VERSION_SECONDS = 2.0


def forget_index(db: MongoDatabase | None = None) -> None:
    """After a change to an article in this process: the next suggestion reads the version
    (of every database without ``db``: tests switch databases)."""
    for name, built in _INDEXES.items():
        if db is None or name == db.name:
            built.checked = float("-inf")


def customer_text(ticket: Document) -> str:
    """What the customer asked: the subject, the first message and their later messages."""
    parts = [ticket.get("subject") or "", ticket.get("body") or ""]
    parts += [
        m.get("body") or ""
        for m in ticket.get("messages") or []
        if m.get("fromCustomer") and not m.get("internal")
    ]
    return "\n".join(p for p in parts if p)


class Suggester:
    def __init__(self, db: MongoDatabase) -> None:
        self.db = db
        self.articles = ArticleRepository(db)
        self.tags = TagRepository(db)

    async def index(self) -> ArticleIndex:
        """The index of the published articles as they are now (as of VERSION_SECONDS ago
        at most, for changes made by other processes)."""
        built = _INDEXES.get(self.db.name)
        if built is not None and time.monotonic() - built.checked < VERSION_SECONDS:
            return built.index
        tags = await self.tags.active()
        version = (await self.articles.version(), hash(repr(keywords_of(tags))))
        if built is not None and built.version == version:
            built.checked = time.monotonic()
            return built.index
        key = (self.db.name, id(asyncio.get_running_loop()))
        lock = _LOCKS.setdefault(key, asyncio.Lock())
        async with lock:  # one build per process at a time; the others wait and reuse it
            built = _INDEXES.get(self.db.name)
            if built is None or built.version != version:
                documents = await self.articles.published()
                index = await run_cpu(_build, documents, keywords_of(tags))
                built = Built(version, index, time.monotonic())
                _INDEXES[self.db.name] = built
        return built.index

    async def suggest(
        self,
        text: str,
        language: str | None = None,
        first: int = 3,
        *,
        minimum: float | None = None,
    ) -> list[Hit]:
        """The best ``first`` published articles (in ``language`` only, if given; otherwise
        both languages, ranked together) whose confidence reaches ``minimum`` (the calibrated
        threshold by default); none rather than a weak match."""
        question = text[:MAX_QUESTION]
        if not question.strip() or first <= 0:
            return []
        index = await self.index()
        hits = await run_cpu(index.search, question, language, min(first, MAX_SUGGESTIONS))
        floor = index.calibration.threshold if minimum is None else minimum
        return [hit for hit in hits if hit.confidence >= floor]

    async def for_ticket(
        self,
        ticket: Document,
        language: str | None = None,
        first: int = 3,
        *,
        minimum: float | None = None,
    ) -> list[Hit]:
        """Articles for what the ticket's customer wrote."""
        return await self.suggest(customer_text(ticket), language, first, minimum=minimum)


def _build(documents: list[Document], keywords: dict[str, dict[str, list[str]]]) -> ArticleIndex:
    entries = [entry_of(doc) for doc in documents]
    return ArticleIndex(entries, default_lexicon(), keywords, default_calibration())
