"""``createTicket``, ``updateTicket`` and ``addTicketMessage``."""

from __future__ import annotations

import strawberry
from bson import ObjectId

from app.core.db import Document
from app.graphql.context import Info
from app.graphql.mutations import Idempotent, Mutations, provided, request_params
from app.graphql.payloads import payload
from app.graphql.permissions import TICKET_WRITERS, allow
from app.graphql.relay import decode_input_id
from app.tickets.graphql.inputs import CreateTicketInput, TicketMessageInput, UpdateTicketInput
from app.tickets.graphql.types import Ticket
from app.tickets.models import TYPE_NAME, TicketDraft, TicketPriority
from app.tickets.repository import TicketRepository
from app.tickets.service import TicketService

TICKETS = Mutations("ticket", Ticket.from_document, TYPE_NAME, TicketRepository, TicketService)


@payload("ticket", Ticket)
class CreateTicketPayload: ...


@payload("ticket", Ticket)
class UpdateTicketPayload: ...


@payload("ticket", Ticket)
class AddTicketMessagePayload: ...


@strawberry.type
class TicketMutation:
    @strawberry.mutation(extensions=[allow(TICKET_WRITERS)])
    async def create_ticket(self, info: Info, input: CreateTicketInput) -> CreateTicketPayload:
        async def create(service: TicketService) -> Document:
            customer_id = decode_input_id(input.customer_id, "Customer", "customerId")
            order_id = (
                decode_input_id(input.order_id, "Order", "orderId") if input.order_id else None
            )
            draft = TicketDraft(
                customer_id,
                input.type,
                input.channel,
                input.subject,
                input.body,
                order_id=order_id,
                priority=input.priority or TicketPriority.NORMAL,
            )
            return await service.create(draft)

        key = Idempotent(input.idempotency_key, request_params(input))
        return await TICKETS.create(info, CreateTicketPayload, create, idempotency=key)

    @strawberry.mutation(extensions=[allow(TICKET_WRITERS)])
    async def update_ticket(
        self, info: Info, id: strawberry.ID, input: UpdateTicketInput
    ) -> UpdateTicketPayload:
        async def update(service: TicketService, object_id: ObjectId) -> Document:
            return await service.update(
                object_id, provided(input, "status", "priority", "assignee")
            )

        return await TICKETS.change(info, UpdateTicketPayload, id, update)

    @strawberry.mutation(extensions=[allow(TICKET_WRITERS)])
    async def add_ticket_message(
        self, info: Info, ticket_id: strawberry.ID, input: TicketMessageInput
    ) -> AddTicketMessagePayload:
        async def add(service: TicketService, object_id: ObjectId) -> Document:
            return await service.add_message(object_id, input.author, input.body, input.internal)

        key = Idempotent(input.idempotency_key, {"ticketId": ticket_id, **request_params(input)})
        return await TICKETS.change(
            info, AddTicketMessagePayload, ticket_id, add, argument="ticketId", idempotency=key
        )
