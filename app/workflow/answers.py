"""The knowledge base's best article for a ticket, as the REPLY_WITH_ARTICLE action sees it."""

from __future__ import annotations

from app.core.db import Document, MongoDatabase
from app.knowledge.repository import PUBLISHED, ArticleRepository
from app.knowledge.retrieval import default_calibration
from app.knowledge.suggest import Suggester
from app.workflow.engine import Answer
from app.workflow.models import RuleActionType

ANSWER = RuleActionType.REPLY_WITH_ARTICLE.value


async def best_answer(db: MongoDatabase, ticket: Document) -> Answer | None:
    """The top article for the ticket's customer text, however sure (the action compares the
    confidence with its threshold); None when no article is published."""
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
