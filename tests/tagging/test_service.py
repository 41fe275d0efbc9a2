"""The tagging rules: what a tagging may overwrite, what a tag may be named and keyed by, and
which tags an agent may set."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from bson import ObjectId

from app.core.db import Database
from app.core.errors import ErrorCode, InputError
from app.tagging.sentiment import Sentiment, SentimentResult
from app.tagging.service import TaggingService, tagging_changes
from app.tagging.tagger import AppliedTag, Tagging, TagSource
from tests.conftest import error_codes

NOW = datetime(2026, 7, 1, tzinfo=UTC)
RESULT = Tagging(
    language="en",
    sentiment=SentimentResult(Sentiment.NEGATIVE, -0.6, 0.8),
    tags=[AppliedTag("delivery", 0.9, TagSource.RULE)],
)


def test_a_tagging_never_replaces_agent_or_legacy_tags() -> None:
    fresh = tagging_changes({"tags": []}, RESULT, None, NOW)
    assert fresh["tags"] == [{"name": "delivery", "confidence": 0.9, "source": "RULE"}]
    assert fresh["sentiment"] == {"label": "NEGATIVE", "score": -0.6, "confidence": 0.8}
    reviewed = tagging_changes({"tags": [], "tagsReviewed": True}, RESULT, None, NOW)
    assert "tags" not in reviewed
    legacy = tagging_changes({"tags": ["vip"]}, RESULT, None, NOW)
    assert "tags" not in legacy
    assert legacy["language"] == "en"  # the rest is still written


async def test_tag_names_and_keywords_are_checked_and_cleaned(database: Database) -> None:
    service = TaggingService(database.db)
    with pytest.raises(InputError) as refused:
        await service.create_tag("Gift Wrapping!", None, {"fr": ["cadeau"], "en": ["x" * 500]})
    assert error_codes(refused) == {
        "name": ErrorCode.INVALID,
        "keywords": ErrorCode.INVALID,
        "keywords.en": ErrorCode.TOO_LONG,
    }
    created = await service.create_tag(" Gift-Wrapping ", None, {"en": ["wrap", " wrap ", ""]})
    assert (created["name"], created["keywords"], created["description"]) == (
        "gift-wrapping",
        {"en": ["wrap"]},
        "",
    )
    with pytest.raises(InputError) as duplicate:
        await service.create_tag("gift-wrapping", None, None)
    assert error_codes(duplicate) == {"name": ErrorCode.DUPLICATE}
    other = await service.create_tag("returns", None, None)
    with pytest.raises(InputError) as renamed:
        await service.update_tag(other["_id"], {"name": "gift-wrapping"})
    assert error_codes(renamed) == {"name": ErrorCode.DUPLICATE}
    with pytest.raises(InputError) as missing:
        await service.set_archived(ObjectId(), True)
    assert error_codes(missing) == {"id": ErrorCode.NOT_FOUND}


async def test_an_agent_sets_only_known_live_tags(database: Database) -> None:
    service = TaggingService(database.db)
    live = await service.create_tag("refund-request", None, None)
    gone = await service.create_tag("old-topic", None, None)
    await service.set_archived(gone["_id"], True)
    ticket = {"number": "T-1", "subject": "Refund", "body": "Please refund", "tags": []}
    ticket_id = (await database.db.tickets.insert_one(ticket)).inserted_id
    with pytest.raises(InputError) as refused:
        await service.set_ticket_tags(ticket_id, ["old-topic", "no-such-tag"])
    assert error_codes(refused) == {"tags.0": ErrorCode.INVALID, "tags.1": ErrorCode.NOT_FOUND}
    updated = await service.set_ticket_tags(ticket_id, [" Refund-Request ", "refund-request"])
    assert updated["tags"] == [{"name": live["name"], "confidence": 1.0, "source": "AGENT"}]
    assert updated["tagsReviewed"] is True
    with pytest.raises(InputError) as unknown:
        await service.set_ticket_tags(ObjectId(), ["refund-request"])
    assert error_codes(unknown) == {"ticketId": ErrorCode.NOT_FOUND}
