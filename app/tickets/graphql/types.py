"""The Ticket type, its conversation, topic tags and sentiment."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry
from bson import ObjectId

from app.core.db import Document
from app.graphql.connections import connection_field
from app.graphql.context import Info
from app.graphql.permissions import MaskFor, Role, mask_author
from app.graphql.relay import Node, encode_id, load_node, owned_by_customer, register_node
from app.graphql.types import copied
from app.knowledge.graphql.types import AutomaticAnswer
from app.tickets.graphql import loaders
from app.tickets.graphql.enums import (
    Channel,
    Sentiment,
    TagSource,
    TicketPriority,
    TicketStatus,
    TicketType,
)
from app.tickets.models import TYPE_NAME
from app.workflow.graphql.enums import AuthorKind
from app.workflow.graphql.sla_types import TicketSla
from app.workflow.graphql.types import RuleRun
from app.workflow.models import AGENT, TEAM
from app.workflow.repository import RuleRunRepository
from app.workflow.sla import as_of

if TYPE_CHECKING:
    from app.customers.graphql.types import Customer
    from app.knowledge.graphql.types import Article
    from app.orders.graphql.types import Order
    from app.workflow.graphql.types import Agent, Team


async def _author(root: TicketMessage) -> str:
    return root.author_name


@strawberry.type
class TicketMessage:
    author: str = strawberry.field(
        resolver=_author,
        description="Masked (`j***@example.com`, `a***`) for analysts.",
        extensions=[MaskFor(frozenset({Role.ANALYST}), mask_author)],
    )
    body: str
    author_kind: AuthorKind
    internal: bool = strawberry.field(description="Internal notes are never shown to the customer.")
    from_customer: bool = strawberry.field(
        description="Written by the customer (their messages are tagged as feedback)."
    )
    at: datetime
    automatic: bool = strawberry.field(
        description="Sent by a rule on its own (an automatic answer from the knowledge base)."
    )
    author_name: strawberry.Private[str]
    agent_id: strawberry.Private[ObjectId | None]
    article_id: strawberry.Private[ObjectId | None]

    @classmethod
    def from_document(cls, doc: Document) -> TicketMessage:
        from_customer = doc.get("fromCustomer", False)
        # Messages written before authors were recorded: the customer's, or staff.
        kind = doc.get("authorKind") or ("CUSTOMER" if from_customer else "STAFF")
        return cls(
            author_name=doc["author"],
            author_kind=AuthorKind(kind),
            from_customer=from_customer,
            agent_id=doc.get("agentId"),
            automatic=bool(doc.get("automatic")),
            article_id=doc.get("articleId"),
            **copied(doc, "body", "internal", "at"),
        )

    @strawberry.field(description="The agent who wrote it, when an agent did.")
    async def agent(
        self, info: Info
    ) -> Annotated[Agent, strawberry.lazy("app.workflow.graphql.types")] | None:
        return await load_node(info, AGENT, self.agent_id)  # type: ignore[no-any-return]

    @strawberry.field(description="The article an automatic answer quoted.")
    async def article(
        self, info: Info
    ) -> Annotated[Article, strawberry.lazy("app.knowledge.graphql.types")] | None:
        return await load_node(info, "Article", self.article_id)  # type: ignore[no-any-return]


@strawberry.type(description="A topic tag on a ticket.")
class TicketTag:
    name: str
    confidence: float = strawberry.field(description="0-1; agent tags are 1.")
    source: TagSource

    @classmethod
    def from_document(cls, tag: Document | str) -> TicketTag:
        if isinstance(tag, str):  # a free-form tag a person set before tagging existed
            return cls(name=tag, confidence=1.0, source=TagSource.AGENT)
        return cls(name=tag["name"], confidence=tag["confidence"], source=TagSource(tag["source"]))


@strawberry.type(description="The sentiment of what the customer wrote.")
class TicketSentiment:
    label: Sentiment
    score: float = strawberry.field(description="-1 (very negative) to 1 (very positive).")
    confidence: float = strawberry.field(description="0-1: how sure the label is.")


@strawberry.enum(description="How a rating reached us.")
class RatingSource(Enum):
    CUSTOMER = "CUSTOMER"
    AGENT = "AGENT"


@strawberry.type(description="A customer's rating of one resolution of a ticket.")
class TicketSatisfaction:
    rating: int = strawberry.field(description="1 (bad) to 5 (great).")
    comment: str | None
    at: datetime
    via: RatingSource = strawberry.field(
        description="CUSTOMER: they answered; AGENT: an agent recorded their answer (by phone)."
    )
    sentiment: TicketSentiment | None = strawberry.field(
        description="Of the comment (null without one), as the ticket tagger reads it."
    )
    tags: list[TicketTag] = strawberry.field(description="Topic tags of the comment.")
    survey_opened_at: datetime = strawberry.field(description="The resolution it rates.")
    agent_id: strawberry.Private[ObjectId | None]

    @classmethod
    def from_document(cls, doc: Document) -> TicketSatisfaction:
        recorder = doc.get("recordedBy") or {}
        return cls(
            via=RatingSource(doc["via"]),
            sentiment=_sentiment(doc.get("sentiment")),
            tags=[TicketTag.from_document(tag) for tag in doc.get("tags", [])],
            agent_id=recorder.get("agentId"),
            **copied(doc, "rating", "comment", "at", "survey_opened_at"),
        )

    @strawberry.field(description="The agent who recorded it, when an agent did.")
    async def recorded_by(
        self, info: Info
    ) -> Annotated[Agent, strawberry.lazy("app.workflow.graphql.types")] | None:
        return await load_node(info, AGENT, self.agent_id)  # type: ignore[no-any-return]


@strawberry.type(description="The satisfaction survey of the ticket's latest resolution.")
class TicketSurvey:
    open: bool = strawberry.field(description="Waiting for a rating (rateTicket).")
    opened_at: datetime
    answered_at: datetime | None


def _sentiment(sentiment: Document | None) -> TicketSentiment | None:
    if not sentiment:
        return None
    return TicketSentiment(
        label=Sentiment(sentiment["label"]),
        score=sentiment["score"],
        confidence=sentiment["confidence"],
    )


@strawberry.type
class Ticket(Node):
    id: strawberry.ID
    number: str
    type: TicketType
    channel: Channel
    subject: str
    body: str
    status: TicketStatus
    priority: TicketPriority
    legacy_assignee: str | None = strawberry.field(
        description="The free-text assignee of tickets from before agents existed (kept as "
        "written; `assignee` is the agent now)."
    )
    message_list: strawberry.Private[list[TicketMessage]]
    tags: list[TicketTag] = strawberry.field(
        description="Topic tags, most confident first; empty until tagged (seconds after a change)."
    )
    language: str = strawberry.field(description="ISO code: en, zh, or und when unknown.")
    sentiment: TicketSentiment | None = strawberry.field(
        description="Null until the ticket is first tagged."
    )
    created_at: datetime
    updated_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    customer_id: strawberry.Private[ObjectId]
    order_id: strawberry.Private[ObjectId | None]
    object_id: strawberry.Private[ObjectId]
    assignee_id: strawberry.Private[ObjectId | None]
    team_id: strawberry.Private[ObjectId | None]
    sla_state: strawberry.Private[Document | None]
    auto_answer: strawberry.Private[Document | None]
    survey: TicketSurvey | None = strawberry.field(
        description="Null until a resolution opens one (surveyed types only; not when rules "
        "alone resolved the ticket)."
    )
    satisfaction: TicketSatisfaction | None = strawberry.field(description="The latest rating.")
    ratings: list[TicketSatisfaction] = strawberry.field(
        description="Every rating, one per resolution at most, oldest first."
    )

    @classmethod
    def from_document(cls, doc: Document) -> Ticket:
        return cls(
            id=encode_id(TYPE_NAME, doc["_id"]),
            type=TicketType(doc["type"]),
            channel=Channel(doc["channel"]),
            status=TicketStatus(doc["status"]),
            priority=TicketPriority(doc["priority"]),
            message_list=[TicketMessage.from_document(m) for m in doc.get("messages", [])],
            object_id=doc["_id"],
            legacy_assignee=doc.get("assignee"),
            sla_state=doc.get("sla"),
            auto_answer=doc.get("autoAnswer"),
            tags=[TicketTag.from_document(tag) for tag in doc.get("tags", [])],
            language=doc.get("language") or "und",
            sentiment=_sentiment(doc.get("sentiment")),
            survey=TicketSurvey(**copied(survey, "open", "opened_at", "answered_at"))
            if (survey := doc.get("survey"))
            else None,
            satisfaction=TicketSatisfaction.from_document(rated)
            if (rated := doc.get("satisfaction"))
            else None,
            ratings=[TicketSatisfaction.from_document(r) for r in doc.get("ratings", [])],
            **copied(
                doc,
                *("number", "customer_id", "subject", "body", "created_at", "updated_at"),
                optional=("order_id", "first_response_at", "resolved_at", "assignee_id", "team_id"),
            ),
        )

    @strawberry.field(description="The conversation; a customer sees no internal notes.")
    async def messages(self, info: Info) -> list[TicketMessage]:
        principal = await info.context.principal()
        if principal is not None and principal.role is Role.CUSTOMER:
            return [m for m in self.message_list if not m.internal]
        return self.message_list

    @strawberry.field(description="The agent holding the ticket.")
    async def assignee(
        self, info: Info
    ) -> Annotated[Agent, strawberry.lazy("app.workflow.graphql.types")] | None:
        return await load_node(info, AGENT, self.assignee_id)  # type: ignore[no-any-return]

    @strawberry.field
    async def team(
        self, info: Info
    ) -> Annotated[Team, strawberry.lazy("app.workflow.graphql.types")] | None:
        return await load_node(info, TEAM, self.team_id)  # type: ignore[no-any-return]

    @strawberry.field(
        description="Null until an SLA policy applies. A target that fell due since the last "
        "sweep reads as MISSED already."
    )
    def sla(self) -> TicketSla | None:
        if self.sla_state is None:
            return None
        return TicketSla.from_document(as_of(self.sla_state, datetime.now(UTC)))

    rule_runs = connection_field(
        RuleRun,
        RuleRunRepository,
        parent="ticketId",
        description="Rules that fired on this ticket, newest first.",
    )

    @strawberry.field(description="The knowledge base's answer a rule sent, if any.")
    def automatic_answer(self) -> AutomaticAnswer | None:
        return AutomaticAnswer.from_document(self.auto_answer) if self.auto_answer else None

    @strawberry.field
    async def customer(
        self, info: Info
    ) -> Annotated[Customer, strawberry.lazy("app.customers.graphql.types")] | None:
        return await load_node(info, "Customer", self.customer_id)  # type: ignore[no-any-return]

    @strawberry.field
    async def order(
        self, info: Info
    ) -> Annotated[Order, strawberry.lazy("app.orders.graphql.types")] | None:
        return await load_node(info, "Order", self.order_id)  # type: ignore[no-any-return]


register_node(
    TYPE_NAME, Ticket.from_document, loaders.ticket, customer_reads=owned_by_customer("customerId")
)
