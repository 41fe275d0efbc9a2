"""``createTicket``, ``updateTicket`` and ``addTicketMessage``."""

from __future__ import annotations

import strawberry

from app.core.db import Document
from app.graphql.context import Info
from app.graphql.mutations import Idempotent, Target, provided, request_params, run_mutation
from app.graphql.payloads import payload
from app.graphql.permissions import TICKET_WRITERS, allow
from app.graphql.relay import decode_input_id
from app.tickets.graphql.inputs import CreateTicketInput, TicketMessageInput, UpdateTicketInput
from app.tickets.graphql.types import Ticket
from app.tickets.models import TYPE_NAME
from app.tickets.repository import TicketRepository
from app.tickets.service import TicketService

NODE = (Ticket.from_document, TYPE_NAME)


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

        key = Idempotent(input.idempotency_key, request_params(input))
        return await run_mutation(
            info, CreateTicketPayload, "ticket", create, *NODE, idempotency=key
        )

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
        key = Idempotent(input.idempotency_key, {"ticketId": ticket_id, **request_params(input)})
        return await run_mutation(
            info, AddTicketMessagePayload, "ticket", add, *NODE, target=target, idempotency=key
        )
