"""The Ticket type, its conversation, topic tags and sentiment."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from bson import ObjectId

from app.core.db import Document
from app.graphql.context import Info
from app.graphql.permissions import MaskFor, Role, mask_author
from app.graphql.relay import Node, encode_id, load_node, register_node
from app.graphql.types import copied
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

if TYPE_CHECKING:
    from app.customers.graphql.types import Customer
    from app.orders.graphql.types import Order


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
    internal: bool = strawberry.field(description="Internal notes are never shown to the customer.")
    from_customer: bool = strawberry.field(
        description="Written by the customer (their messages are tagged as feedback)."
    )
    at: datetime
    author_name: strawberry.Private[str]

    @classmethod
    def from_document(cls, doc: Document) -> TicketMessage:
        return cls(
            author_name=doc["author"],
            from_customer=doc.get("fromCustomer", False),
            **copied(doc, "body", "internal", "at"),
        )


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
    assignee: str | None
    messages: list[TicketMessage]
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

    @classmethod
    def from_document(cls, doc: Document) -> Ticket:
        return cls(
            id=encode_id(TYPE_NAME, doc["_id"]),
            type=TicketType(doc["type"]),
            channel=Channel(doc["channel"]),
            status=TicketStatus(doc["status"]),
            priority=TicketPriority(doc["priority"]),
            messages=[TicketMessage.from_document(m) for m in doc.get("messages", [])],
            tags=[TicketTag.from_document(tag) for tag in doc.get("tags", [])],
            language=doc.get("language") or "und",
            sentiment=TicketSentiment(
                label=Sentiment(sentiment["label"]),
                score=sentiment["score"],
                confidence=sentiment["confidence"],
            )
            if (sentiment := doc.get("sentiment"))
            else None,
            **copied(
                doc,
                *("number", "customer_id", "subject", "body", "created_at", "updated_at"),
                optional=("order_id", "assignee", "first_response_at", "resolved_at"),
            ),
        )

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


register_node(TYPE_NAME, Ticket.from_document, loaders.ticket)
