"""Tagging rules: the taxonomy's validation, agent tags, and tagging tickets with the active
model (loaded from MongoDB, cached per process, reloaded when another version is activated)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bson import ObjectId
from pymongo.errors import DuplicateKeyError

from app.core.cpu import run_cpu
from app.core.db import Document, MongoDatabase
from app.core.errors import ErrorCode, InputError
from app.core.validation import Checker
from app.tagging.repository import (
    ExampleRepository,
    TaggerModelRepository,
    TagRepository,
    keywords_of,
)
from app.tagging.tagger import AppliedTag, Tagger, Tagging, TagSource
from app.tagging.topic_model import TopicModel
from app.tickets.repository import TicketRepository

LANGUAGES = ("en", "zh")
NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
MAX_TAGS = 200
MAX_KEYWORDS = 200
MAX_KEYWORD_LENGTH = 60
MAX_DESCRIPTION = 500
MODEL_CHECK_SECONDS = 5.0


def feedback_text(ticket: Document) -> str:
    """What customers wrote: the subject, the body and their public messages."""
    parts = [ticket.get("subject", ""), ticket.get("body", "")]
    parts += [
        m["body"]
        for m in ticket.get("messages", [])
        if m.get("fromCustomer") and not m.get("internal")
    ]
    return "\n".join(part for part in parts if part)


@dataclass
class _Loaded:
    model_id: ObjectId | None
    model: TopicModel | None
    checked: float


_MODELS: dict[str, _Loaded] = {}


async def active_model(
    db: MongoDatabase, max_age: float = MODEL_CHECK_SECONDS
) -> tuple[ObjectId | None, TopicModel | None]:
    """The active model of this database, loaded once per version and process; which version
    is active is looked up when the last look is older than ``max_age`` seconds."""
    loop = asyncio.get_running_loop()
    cached = _MODELS.get(db.name)
    if cached is not None and loop.time() - cached.checked < max_age:
        return cached.model_id, cached.model
    # Two tasks may load the same version at once; both get the same model, nothing breaks.
    models = TaggerModelRepository(db)
    document = await models.active()
    model_id = document["_id"] if document else None
    if cached is not None and cached.model_id == model_id:
        cached.checked = loop.time()
        return model_id, cached.model
    model = None
    if document is not None:
        model = await run_cpu(TopicModel.from_bytes, await models.weights(document))
    _MODELS[db.name] = _Loaded(model_id, model, loop.time())
    return model_id, model


def remember_model(db: MongoDatabase, model_id: ObjectId, model: TopicModel) -> None:
    """This process just activated ``model``: use it at once (others see it within seconds)."""
    _MODELS[db.name] = _Loaded(model_id, model, asyncio.get_running_loop().time())


def forget_models() -> None:
    """Drop cached models (tests switch databases)."""
    _MODELS.clear()


async def current_tagger(db: MongoDatabase) -> tuple[Tagger, ObjectId | None]:
    tags = await TagRepository(db).active()
    model_id, model = await active_model(db)
    return Tagger(keywords_of(tags), model), model_id


def tagging_changes(
    ticket: Document, result: Tagging, model_id: ObjectId | None, now: datetime
) -> dict[str, Any]:
    """The fields a tagging writes; an agent's tags are never replaced (nor the free-form
    tags tickets carried before tagging existed: plain strings, which people set)."""
    changes: dict[str, Any] = {
        "language": result.language,
        "sentiment": {
            "label": result.sentiment.label.value,
            "score": result.sentiment.score,
            "confidence": result.sentiment.confidence,
        },
        "taggedAt": now,
        "taggerModelId": model_id,
    }
    legacy = any(isinstance(tag, str) for tag in ticket.get("tags", []))
    if not ticket.get("tagsReviewed") and not legacy:
        changes["tags"] = [tag.to_document() for tag in result.tags]
    return changes


MAX_TAGS = 20


async def check_tag_names(
    tags: TagRepository, check: Checker, field: str, names: Sequence[str]
) -> None:
    """Each name must be a known tag that is not archived (errors at ``field.<index>``)."""
    known = await tags.by_names(list(names))
    for index, name in enumerate(names):
        tag = known.get(name)
        if tag is None:
            check.add(f"{field}.{index}", ErrorCode.NOT_FOUND, f"No tag is named {name!r}.")
        elif tag["archived"]:
            check.add(f"{field}.{index}", ErrorCode.INVALID, f"The tag {name!r} is archived.")


class TaggingService:
    def __init__(self, db: MongoDatabase) -> None:
        self.db = db
        self.tags = TagRepository(db)
        self.tickets = TicketRepository(db)
        self.examples = ExampleRepository(db)

    async def tag_tickets(self, tickets: Sequence[Document]) -> int:
        """Tag these tickets with the current taxonomy and model; returns how many were
        written (a ticket changed meanwhile stays pending)."""
        if not tickets:
            return 0
        tagger, model_id = await current_tagger(self.db)
        results = await run_cpu(tagger.tag_many, [feedback_text(t) for t in tickets])
        now = datetime.now(UTC)
        return await self.tickets.apply_tagging(
            [
                (ticket, tagging_changes(ticket, result, model_id, now))
                for ticket, result in zip(tickets, results, strict=True)
            ]
        )

    async def set_ticket_tags(self, ticket_id: ObjectId, names: Sequence[str]) -> Document:
        """An agent's tags replace the ticket's topic tags and become a training example."""
        check = Checker()
        cleaned = list(dict.fromkeys(name.strip().lower() for name in names))
        if len(cleaned) > MAX_TAGS:
            check.add("tags", ErrorCode.OUT_OF_RANGE, f"At most {MAX_TAGS} tags.")
        await check_tag_names(self.tags, check, "tags", cleaned)
        ticket = await self.tickets.get(ticket_id)
        if ticket is None:
            check.add("ticketId", ErrorCode.NOT_FOUND, "No ticket has this ID.")
        check.raise_if_any()
        assert ticket is not None
        now = datetime.now(UTC)
        applied = [AppliedTag(name, 1.0, TagSource.AGENT).to_document() for name in cleaned]
        updated = await self.tickets.set_agent_tags(ticket_id, applied, now)
        if updated is None:
            raise InputError.one("ticketId", ErrorCode.NOT_FOUND, "No ticket has this ID.")
        await self.examples.record(ticket_id, feedback_text(updated), cleaned, now)
        return updated

    async def create_tag(
        self, name: str, description: str | None, keywords: dict[str, list[str]] | None
    ) -> Document:
        check = Checker()
        clean_name = self._name(check, name)
        values = {
            "description": self._description(check, description),
            "keywords": self._keywords(check, keywords or {}),
        }
        if await self.tags.count_all() >= MAX_TAGS:
            check.add("name", ErrorCode.OUT_OF_RANGE, f"The taxonomy holds at most {MAX_TAGS}.")
        check.raise_if_any()
        now = datetime.now(UTC)
        document = {
            "name": clean_name,
            **values,
            "archived": False,
            "createdAt": now,
            "updatedAt": now,
        }
        created = await self.tags.insert(document)
        if created is None:
            raise InputError.one("name", ErrorCode.DUPLICATE, "A tag has this name already.")
        return created

    async def update_tag(self, tag_id: ObjectId, values: dict[str, Any]) -> Document:
        """Rename, describe or re-key a tag. A rename keeps tickets' existing tags under the
        old name (history is not rewritten); retag with startFeedbackTagging."""
        check = Checker()
        changes: dict[str, Any] = {"updatedAt": datetime.now(UTC)}
        if values.get("name") is not None:
            changes["name"] = self._name(check, values["name"])
        if "description" in values:
            changes["description"] = self._description(check, values["description"])
        if values.get("keywords") is not None:
            changes["keywords"] = self._keywords(check, values["keywords"])
        check.raise_if_any()
        return await self._change(tag_id, changes)

    async def set_archived(self, tag_id: ObjectId, archived: bool) -> Document:
        return await self._change(tag_id, {"archived": archived, "updatedAt": datetime.now(UTC)})

    async def _change(self, tag_id: ObjectId, changes: dict[str, Any]) -> Document:
        try:
            updated = await self.tags.update(tag_id, changes)
        except DuplicateKeyError:
            raise InputError.one(
                "name", ErrorCode.DUPLICATE, "A tag has this name already."
            ) from None
        if updated is None:
            raise InputError.one("id", ErrorCode.NOT_FOUND, "No tag has this ID.")
        return updated

    @staticmethod
    def _name(check: Checker, name: str) -> str:
        clean = name.strip().lower()
        if not NAME.match(clean):
            check.add(
                "name",
                ErrorCode.INVALID,
                "Use 1 to 40 lower-case letters, digits and hyphens, starting with a letter "
                "or digit (e.g. delivery-shipping).",
            )
        return clean

    @staticmethod
    def _description(check: Checker, description: str | None) -> str:
        return check.text("description", description, max_length=MAX_DESCRIPTION) or ""

    @staticmethod
    def _keywords(check: Checker, keywords: dict[str, list[str]]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for language, phrases in keywords.items():
            field = f"keywords.{language}"
            if language not in LANGUAGES:
                check.add("keywords", ErrorCode.INVALID, f"Languages are {', '.join(LANGUAGES)}.")
                continue
            cleaned = list(dict.fromkeys(p.strip() for p in phrases if p.strip()))
            if len(cleaned) > MAX_KEYWORDS:
                check.add(field, ErrorCode.OUT_OF_RANGE, f"At most {MAX_KEYWORDS} per language.")
            if any(len(p) > MAX_KEYWORD_LENGTH for p in cleaned):
                check.add(
                    field, ErrorCode.TOO_LONG, f"Keep each phrase to {MAX_KEYWORD_LENGTH} chars."
                )
            out[language] = cleaned
        return out
