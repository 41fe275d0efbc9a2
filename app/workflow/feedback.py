"""A reader's word on an article: counted on the article, kept on the ticket; a customer who
says the automatic answer helped resolves the consultation (a deflection)."""

from __future__ import annotations

from datetime import UTC, datetime

from bson import ObjectId

from app.core.db import Document, MongoDatabase
from app.core.errors import ErrorCode, InputError
from app.knowledge.repository import PUBLISHED
from app.knowledge.service import ArticleService
from app.tickets.models import TicketStatus, TicketType
from app.tickets.repository import TicketRepository
from app.tickets.service import TicketService
from app.workflow.flow import Workflow

SETTLED = (TicketStatus.RESOLVED.value, TicketStatus.CLOSED.value)


class ArticleFeedback:
    def __init__(self, db: MongoDatabase) -> None:
        self.service = TicketService(db)
        self.tickets = TicketRepository(db)
        self.articles = ArticleService(db)
        self.workflow = Workflow(db)

    async def record(
        self, ticket_id: ObjectId, article_id: ObjectId, helpful: bool, customer: ObjectId | None
    ) -> Document:
        """The article with its counters moved. ``customer``: the ticket's customer giving
        it (a customer sees their own tickets and published articles only)."""
        ticket = await self.service.get(ticket_id, field="ticketId", owner=customer)
        article = await self.articles.get(article_id, field="articleId")
        if customer is not None and article["status"] != PUBLISHED:
            raise InputError.one("articleId", ErrorCode.NOT_FOUND, "No article has this ID.")
        if any(f["articleId"] == article_id for f in ticket.get("articleFeedback") or []):
            raise _given()
        answer = ticket.get("autoAnswer") or {}
        deflects = (
            customer is not None
            and helpful
            and answer.get("articleId") == article_id
            and ticket["type"] == TicketType.CONSULTATION.value
            and ticket["status"] not in SETTLED
        )
        if deflects:
            # Resolved first (rules and SLA run as for any resolution); the feedback write
            # below is the once-only guard, and a repeat finds the ticket resolved already.
            await self.workflow.update(ticket_id, {"status": TicketStatus.RESOLVED})
        entry = {
            "articleId": article_id,
            "helpful": helpful,
            "byCustomer": customer is not None,
            "at": datetime.now(UTC),
        }
        if await self.tickets.add_article_feedback(ticket_id, entry, deflected=deflects) is None:
            raise _given()
        counters = {"helpful" if helpful else "notHelpful": 1}
        if deflects:
            counters["deflections"] = 1
        return await self.articles.count(article_id, counters, "articleId")


def _given() -> InputError:
    return InputError.one(
        "articleId", ErrorCode.DUPLICATE, "Feedback on this article is recorded for the ticket."
    )
