"""Ticket filters, sort orders and mutation inputs."""

from __future__ import annotations

from typing import Any

import strawberry

from app.graphql.inputs import DateTimeFilter, QueryBuilder, TagFilter, sort_order
from app.graphql.relay import decode_id_or_raise
from app.tickets.graphql.enums import Channel, Sentiment, TicketPriority, TicketStatus, TicketType

TicketOrderBy = sort_order(
    "Ticket", "tickets", CREATED_AT="createdAt", UPDATED_AT="updatedAt", PRIORITY="priorityRank"
)


@strawberry.input(description="Filters on tickets; all given conditions must hold.")
class TicketFilter:
    status: list[TicketStatus] | None = None
    type: list[TicketType] | None = None
    priority: list[TicketPriority] | None = None
    channel: list[Channel] | None = None
    customer_id: strawberry.ID | None = None
    tags: TagFilter | None = strawberry.field(default=None, description="By tag name.")
    sentiment: list[Sentiment] | None = None
    language: list[str] | None = strawberry.field(
        default=None, description="ISO codes: en, zh, und."
    )
    created_at: DateTimeFilter | None = None

    def to_query(self) -> dict[str, Any]:
        query = QueryBuilder()
        query.one_of("status", self.status, "status")
        query.one_of("type", self.type, "type")
        query.one_of("priority", self.priority, "priority")
        query.one_of("channel", self.channel, "channel")
        if self.customer_id is not None:
            query.add("customerId", decode_id_or_raise(self.customer_id, "Customer"))
        query.tags("tags", "name", self.tags, "tags")
        query.one_of("sentiment.label", self.sentiment, "sentiment")
        query.one_of("language", self.language, "language")
        query.times("createdAt", self.created_at)
        return query.build()


@strawberry.input
class CreateTicketInput:
    customer_id: strawberry.ID
    type: TicketType
    channel: Channel
    subject: str
    body: str
    order_id: strawberry.ID | None = None
    priority: TicketPriority | None = None
    idempotency_key: str | None = strawberry.field(
        default=None, description="Your key for this request: a retry with it creates nothing new."
    )


@strawberry.input(
    description="Only the fields given are changed; null assignee unassigns. Tags: setTicketTags."
)
class UpdateTicketInput:
    status: TicketStatus | None = strawberry.UNSET
    priority: TicketPriority | None = strawberry.UNSET
    assignee: str | None = strawberry.UNSET


@strawberry.input
class TicketMessageInput:
    author: str
    body: str
    internal: bool = False
    idempotency_key: str | None = strawberry.field(
        default=None, description="Your key for this request: a retry with it creates nothing new."
    )
