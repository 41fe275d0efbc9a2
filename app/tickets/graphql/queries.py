"""``ticket``, ``ticketByNumber`` and ``tickets``."""

from __future__ import annotations

import strawberry

from app.graphql.connections import connection_field
from app.graphql.context import Info
from app.graphql.permissions import EVERYONE, allow
from app.graphql.relay import decode_id_or_raise, load_node
from app.tickets.graphql.inputs import TicketFilter, TicketOrderBy
from app.tickets.graphql.types import Ticket
from app.tickets.models import TYPE_NAME
from app.tickets.repository import TicketRepository


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
