"""The knowledge base's best article for a ticket, as the REPLY_WITH_ARTICLE action sees it."""

from __future__ import annotations

from collections.abc import Sequence

from app.core.db import Document, MongoDatabase
from app.knowledge.repository import PUBLISHED, ArticleRepository
from app.knowledge.retrieval import default_calibration
from app.knowledge.suggest import Suggester
from app.tickets.models import TicketType
from app.workflow.engine import Answer
from app.workflow.models import RuleActionType

ANSWER = RuleActionType.REPLY_WITH_ARTICLE.value


async def best_answer(
    db: MongoDatabase, ticket: Document, rules: Sequence[Document]
) -> Answer | None:
    """For a consultation that one of ``rules`` may answer: the top article for its customer
    text, however sure (the action compares the confidence with its threshold); None when no
    rule answers, the ticket is no consultation or no article is published."""
    answering = any(a["type"] == ANSWER for rule in rules for a in rule["actions"])
    if not answering or ticket.get("type") != TicketType.CONSULTATION.value:
        return None
    hits = await Suggester(db).for_ticket(ticket, first=1, minimum=0.0)
    if not hits:
        return None
    article = await ArticleRepository(db).get(hits[0].entry.id)
    if article is None or article["status"] != PUBLISHED:
        return None
    return Answer(
        article["_id"],
        article["title"],
        article["body"],
        hits[0].confidence,
        default_calibration().threshold,
    )
