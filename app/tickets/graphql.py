"""Ticket types, queries and mutations, and the ticket lists under a customer."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from bson import ObjectId

from app.core.db import Document
from app.core.paging import PageRequest
from app.customers.graphql import Customer, load_customer
from app.graphql.common import (
    DateTimeFilter,
    QueryBuilder,
    SortDirection,
    TagFilter,
    UserError,
    with_search,
)
from app.graphql.context import Info
from app.graphql.mutations import Target, provided, run_mutation
from app.graphql.pagination import (
    Connection,
    load_by_id,
    nested_connection,
    page_request,
    sort_spec,
    top_level_connection,
)
from app.graphql.permissions import EVERYONE, TICKET_WRITERS, allow
from app.graphql.relay import Node, decode_id_or_raise, decode_input_id, encode_id
from app.orders.graphql import Order, load_order
from app.tagging.sentiment import Sentiment
from app.tagging.tagger import TagSource
from app.tickets.models import Channel, TicketPriority, TicketStatus, TicketType
from app.tickets.repository import TicketRepository
from app.tickets.service import TicketService

TYPE_NAME = "Ticket"
DEFAULT_SORT = [("createdAt", -1)]
strawberry.enum(TicketType, description="What the customer came for.")
strawberry.enum(TicketStatus, description="Where a ticket stands; CLOSED is final.")
strawberry.enum(TicketPriority)
strawberry.enum(Channel, description="How the ticket reached us.")
strawberry.enum(Sentiment, description="How the customer feels, from what they wrote.")
strawberry.enum(
    TagSource,
    description="Who tagged: RULE = taxonomy keywords, MODEL = the trained tagger, AGENT = a "
    "person (never overwritten by automatic tagging).",
)


@strawberry.enum(description="Fields tickets can be sorted by.")
class TicketOrderField(Enum):
    CREATED_AT = "createdAt"
    UPDATED_AT = "updatedAt"
    PRIORITY = "priorityRank"


@strawberry.input
class TicketOrderBy:
    field: TicketOrderField
    direction: SortDirection = SortDirection.ASC


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


@strawberry.type
class TicketMessage:
    author: str
    body: str
    internal: bool = strawberry.field(description="Internal notes are never shown to the customer.")
    from_customer: bool = strawberry.field(
        description="Written by the customer (their messages are tagged as feedback)."
    )
    at: datetime

    @classmethod
    def from_document(cls, doc: Document) -> TicketMessage:
        return cls(
            author=doc["author"],
            body=doc["body"],
            internal=doc["internal"],
            from_customer=doc.get("fromCustomer", False),
            at=doc["at"],
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
            number=doc["number"],
            customer_id=doc["customerId"],
            order_id=doc.get("orderId"),
            type=TicketType(doc["type"]),
            channel=Channel(doc["channel"]),
            subject=doc["subject"],
            body=doc["body"],
            status=TicketStatus(doc["status"]),
            priority=TicketPriority(doc["priority"]),
            assignee=doc.get("assignee"),
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
            created_at=doc["createdAt"],
            updated_at=doc["updatedAt"],
            first_response_at=doc.get("firstResponseAt"),
            resolved_at=doc.get("resolvedAt"),
        )

    @strawberry.field
    async def customer(self, info: Info) -> Customer | None:
        return await load_customer(info, self.customer_id)

    @strawberry.field
    async def order(self, info: Info) -> Order | None:
        return await load_order(info, self.order_id) if self.order_id else None


async def load_ticket(info: Info, object_id: ObjectId) -> Ticket | None:
    doc = await load_by_id(info.context, TicketRepository, object_id)
    return Ticket.from_document(doc) if doc else None


async def tickets_of_customer(
    info: Info,
    customer_id: ObjectId,
    request: PageRequest,
    filter: TicketFilter | None,
    order_by: list[TicketOrderBy] | None,
) -> Connection[Ticket]:
    query = (filter or TicketFilter()).to_query()
    return await nested_connection(
        info.context,
        info.context.get(TicketRepository),
        "customerId",
        customer_id,
        query,
        sort_spec(order_by, DEFAULT_SORT),
        request,
        Ticket.from_document,
    )


@strawberry.input
class CreateTicketInput:
    customer_id: strawberry.ID
    type: TicketType
    channel: Channel
    subject: str
    body: str
    order_id: strawberry.ID | None = None
    priority: TicketPriority | None = None


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


@strawberry.type(description="The ticket after the change, or why nothing changed.")
class TicketPayload:
    ticket: Ticket | None
    user_errors: list[UserError]


@strawberry.type
class CreateTicketPayload(TicketPayload):
    pass


@strawberry.type
class UpdateTicketPayload(TicketPayload):
    pass


@strawberry.type
class AddTicketMessagePayload(TicketPayload):
    pass


@strawberry.type
class TicketQuery:
    @strawberry.field(extensions=[allow(EVERYONE)])
    async def ticket(self, info: Info, id: strawberry.ID) -> Ticket | None:
        return await load_ticket(info, decode_id_or_raise(id, TYPE_NAME))

    @strawberry.field(extensions=[allow(EVERYONE)])
    async def ticket_by_number(self, info: Info, number: str) -> Ticket | None:
        doc = await info.context.get(TicketRepository).by_number(number.strip().upper()[:40])
        return Ticket.from_document(doc) if doc else None

    @strawberry.field(
        description="Tickets; `search` matches words in subject and body.",
        extensions=[allow(EVERYONE)],
    )
    async def tickets(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: TicketFilter | None = None,
        order_by: list[TicketOrderBy] | None = None,
        search: str | None = None,
    ) -> Connection[Ticket]:
        request = page_request(first, after, last, before)
        query = with_search((filter or TicketFilter()).to_query(), search)
        sort = sort_spec(order_by, DEFAULT_SORT)
        repository = info.context.get(TicketRepository)
        return await top_level_connection(repository, query, sort, request, Ticket.from_document)


@strawberry.type
class TicketMutation:
    @strawberry.mutation(extensions=[allow(TICKET_WRITERS)])
    async def create_ticket(self, info: Info, input: CreateTicketInput) -> CreateTicketPayload:
        service = info.context.get(TicketService)

        async def create() -> Document:
            customer_id = decode_input_id(input.customer_id, "Customer", "customerId")
            order_id = (
                decode_input_id(input.order_id, "Order", "orderId") if input.order_id else None
            )
            return await service.create(
                customer_id=customer_id,
                order_id=order_id,
                type=input.type,
                channel=input.channel,
                subject=input.subject,
                body=input.body,
                priority=input.priority,
            )

        return await run_mutation(info, CreateTicketPayload, "ticket", create, *NODE)

    @strawberry.mutation(extensions=[allow(TICKET_WRITERS)])
    async def update_ticket(
        self, info: Info, id: strawberry.ID, input: UpdateTicketInput
    ) -> UpdateTicketPayload:
        service = info.context.get(TicketService)

        async def update() -> Document:
            object_id = decode_input_id(id, TYPE_NAME, "id")
            values = provided(input, "status", "priority", "assignee")
            return await service.update(object_id, values)

        target = Target(TicketRepository, id)
        return await run_mutation(info, UpdateTicketPayload, "ticket", update, *NODE, target=target)

    @strawberry.mutation(extensions=[allow(TICKET_WRITERS)])
    async def add_ticket_message(
        self, info: Info, ticket_id: strawberry.ID, input: TicketMessageInput
    ) -> AddTicketMessagePayload:
        service = info.context.get(TicketService)

        async def add() -> Document:
            object_id = decode_input_id(ticket_id, TYPE_NAME, "ticketId")
            return await service.add_message(object_id, input.author, input.body, input.internal)

        target = Target(TicketRepository, ticket_id)
        return await run_mutation(
            info, AddTicketMessagePayload, "ticket", add, *NODE, target=target
        )


NODE = (Ticket.from_document, TYPE_NAME)
