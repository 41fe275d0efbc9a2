"""Satisfaction surveys: which ticket types are surveyed when resolved, and ratings.

A survey opens when a ticket moves to RESOLVED (``app.tickets.metrics`` writes it with the
change): for the types configured here, and not when rules alone resolved the ticket. It takes
one rating (1-5, an optional comment): from the ticket's customer, or from an agent recording
an answer given by phone. A reopen withdraws an unanswered survey; the next resolution opens a
new one, so a ticket is rated at most once per resolution. Every rating is kept in ``ratings``;
``satisfaction`` is the latest. The comment is tagged for sentiment and topics by the tagger
that tags tickets, off the event loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bson import ObjectId

from app.core.cpu import run_cpu
from app.core.db import Document, MongoDatabase
from app.core.errors import ErrorCode, InputError
from app.core.validation import Checker
from app.tagging.service import current_tagger
from app.tickets.models import Author, AuthorKind, TicketType
from app.tickets.repository import TicketRepository
from app.tickets.service import TicketService
from app.workflow.repository import SetupRepository
from app.workflow.setup import survey_types

MAX_COMMENT = 2000


@dataclass(frozen=True)
class Rating:
    """An answer to a ticket's survey; ``owner``: the customer answering (None for staff,
    who record an answer the customer gave them)."""

    ticket_id: ObjectId
    rating: int
    comment: str | None
    recorder: Author
    owner: ObjectId | None


class SatisfactionService:
    def __init__(self, db: MongoDatabase) -> None:
        self.db = db
        self.tickets = TicketRepository(db)
        self.service = TicketService(db)
        self.setup = SetupRepository(db)

    async def survey_types(self) -> frozenset[str]:
        return survey_types(await self.setup.config())

    async def set_survey_types(self, types: list[TicketType]) -> frozenset[str]:
        """Survey these types from now on (tickets resolved before keep their survey)."""
        values = sorted({t.value for t in types})
        return survey_types(await self.setup.set_survey_types(values, datetime.now(UTC)))

    async def rate(self, answer: Rating) -> Document:
        check = Checker()
        if not 1 <= answer.rating <= 5:
            check.add("rating", ErrorCode.OUT_OF_RANGE, "A rating is 1 (bad) to 5 (great).")
        comment = check.text("comment", answer.comment, max_length=MAX_COMMENT) or None
        check.raise_if_any()
        ticket = await self.service.get(answer.ticket_id, field="ticketId", owner=answer.owner)
        survey = ticket.get("survey") or {}
        if not survey.get("open"):
            raise _no_survey(survey)
        now = datetime.now(UTC)
        by_customer = answer.recorder.kind is AuthorKind.CUSTOMER
        rating: Document = {
            "rating": answer.rating,
            "comment": comment,
            "at": now,
            "surveyOpenedAt": survey["openedAt"],
            "via": "CUSTOMER" if by_customer else "AGENT",
            "recordedBy": None if by_customer else answer.recorder.to_document(),
            **(await tag_comments(self.db, [comment]))[0],
        }
        written = await self.tickets.rate(ticket["_id"], survey["openedAt"], rating, now)
        if written is None:  # answered (or withdrawn) since it was read
            fresh = await self.service.get(answer.ticket_id, field="ticketId", owner=answer.owner)
            raise _no_survey(fresh.get("survey") or {})
        return written


async def tag_comments(db: MongoDatabase, comments: list[str | None]) -> list[Document]:
    """Each comment's sentiment, topic tags and language, as the ticket tagger finds them
    (none for a missing comment), tagged together off the event loop."""
    tagger, _ = await current_tagger(db)
    results = await run_cpu(tagger.tag_many, [c or "" for c in comments])
    tagged: list[Document] = []
    for comment, result in zip(comments, results, strict=True):
        if comment is None:
            tagged.append({"sentiment": None, "tags": [], "language": None})
            continue
        sentiment = result.sentiment
        tagged.append(
            {
                "sentiment": {
                    "label": sentiment.label.value,
                    "score": sentiment.score,
                    "confidence": sentiment.confidence,
                },
                "tags": [tag.to_document() for tag in result.tags],
                "language": result.language,
            }
        )
    return tagged


def _no_survey(survey: Document) -> InputError:
    if survey.get("answeredAt") is not None:
        return InputError.one(
            "ticketId", ErrorCode.DUPLICATE, "This resolution of the ticket is rated already."
        )
    return InputError.one(
        "ticketId",
        ErrorCode.INVALID_TRANSITION,
        "The ticket has no open survey: one opens when the ticket is resolved.",
    )
