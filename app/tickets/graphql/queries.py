"""``ticket``, ``ticketByNumber``, ``tickets`` and a customer's ``myTickets``."""

from __future__ import annotations

import dataclasses

import strawberry

from app.graphql.connections import ListArguments, connection_field
from app.graphql.context import Info
from app.graphql.permissions import CUSTOMERS, EVERYONE, allow, forbidden, own_records
from app.graphql.relay import decode_id_or_raise, load_node
from app.tickets.graphql.inputs import TicketFilter, TicketOrderBy
from app.tickets.graphql.types import Ticket
from app.tickets.models import TYPE_NAME
from app.tickets.repository import TicketRepository

# What a customer may filter their tickets by: what they see of them (not tags, sentiment,
# language, assignee, team or SLA, which are the service desk's).
CUSTOMER_FILTERS = frozenset({"status", "type", "priority", "channel", "customer_id", "created_at"})


async def customer_filters(info: Info, arguments: ListArguments) -> None:
    given = arguments.filter
    if given is None:
        return
    if any(
        getattr(given, field.name) is not None and field.name not in CUSTOMER_FILTERS
        for field in dataclasses.fields(given)
    ):
        raise forbidden(
            "A customer filters their tickets by status, type, priority, channel and "
            "createdAt only."
        )


@strawberry.type
class TicketQuery:
    @strawberry.field(extensions=[allow(EVERYONE)])
    async def ticket(self, info: Info, id: strawberry.ID) -> Ticket | None:
        node: Ticket | None = await load_node(info, TYPE_NAME, decode_id_or_raise(id, TYPE_NAME))
        return node

    @strawberry.field(extensions=[allow(EVERYONE)])
    async def ticket_by_number(self, info: Info, number: str) -> Ticket | None:
        doc = await info.context.get(TicketRepository).by_number(number.strip().upper()[:40])
        return Ticket.from_document(doc) if doc else None

    tickets = connection_field(
        Ticket,
        TicketRepository,
        filter=TicketFilter,
        order_by=TicketOrderBy,
        search=True,
        roles=EVERYONE,
        description="Tickets; `search` matches words in subject and body.",
    )
    my_tickets = connection_field(
        Ticket,
        TicketRepository,
        filter=TicketFilter,
        order_by=TicketOrderBy,
        search=True,
        check=customer_filters,
        scope=own_records,
        roles=CUSTOMERS,
        description="The calling customer's own tickets, newest first by default (a customer's "
        "token only: staff list `tickets`). A filter naming another customer finds nothing.",
    )
