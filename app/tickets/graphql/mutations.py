"""``createTicket``, ``updateTicket``, ``addTicketMessage`` and ``rateTicket``."""

from __future__ import annotations

import strawberry
from bson import ObjectId

from app.core.db import Document
from app.graphql.context import Info
from app.graphql.mutations import Idempotent, Mutations, provided, request_params
from app.graphql.payloads import payload
from app.graphql.permissions import CUSTOMERS, TICKET_WRITERS, Role, allow, customer_of
from app.graphql.relay import decode_input_id
from app.tickets.graphql.inputs import CreateTicketInput, TicketMessageInput, UpdateTicketInput
from app.tickets.graphql.types import Ticket
from app.tickets.models import TYPE_NAME, Author, AuthorKind
from app.tickets.repository import TicketRepository
from app.workflow.flow import Workflow
from app.workflow.models import AGENT, TEAM
from app.workflow.repository import AgentRepository
from app.workflow.satisfaction import Rating, SatisfactionService

TICKETS = Mutations("ticket", Ticket.from_document, TYPE_NAME, TicketRepository, Workflow)
# Staff who write on tickets, and customers on their own.
WITH_CUSTOMERS = TICKET_WRITERS | CUSTOMERS
RATINGS = Mutations("ticket", Ticket.from_document, TYPE_NAME, TicketRepository,
                    SatisfactionService)  # fmt: skip


async def author_of(info: Info) -> Author:
    """The caller as a message author: the customer for a CUSTOMER token, the
    agent a credential is linked to, or else the credential's own name (staff)."""
    principal = await info.context.require_principal()
    if principal.role is Role.CUSTOMER:
        return Author(AuthorKind.CUSTOMER, principal.name)
    agent = await info.context.get(AgentRepository).by_principal(principal.bucket)
    if agent is not None:
        return Author(AuthorKind.AGENT, agent["name"], agent["_id"])
    return Author(AuthorKind.STAFF, principal.name)


@payload("ticket", Ticket)
class CreateTicketPayload: ...


@payload("ticket", Ticket)
class UpdateTicketPayload: ...


@payload("ticket", Ticket)
class AddTicketMessagePayload: ...


@payload("ticket", Ticket)
class RateTicketPayload: ...


@strawberry.type
class TicketMutation:
    @strawberry.mutation(extensions=[allow(WITH_CUSTOMERS)])
    async def create_ticket(self, info: Info, input: CreateTicketInput) -> CreateTicketPayload:
        owner = customer_of(await info.context.require_principal())

        async def create(service: Workflow) -> Document:
            return await service.create(input.draft(owner), owner=owner)

        key = Idempotent(input.idempotency_key, request_params(input))
        return await TICKETS.create(info, CreateTicketPayload, create, idempotency=key)

    @strawberry.mutation(extensions=[allow(TICKET_WRITERS)])
    async def update_ticket(
        self, info: Info, id: strawberry.ID, input: UpdateTicketInput
    ) -> UpdateTicketPayload:
        async def update(service: Workflow, object_id: ObjectId) -> Document:
            values = provided(input, "status", "priority", "assignee_id", "team_id")
            if values.get("assignee_id") is not None:
                values["assignee_id"] = decode_input_id(values["assignee_id"], AGENT, "assigneeId")
            if values.get("team_id") is not None:
                values["team_id"] = decode_input_id(values["team_id"], TEAM, "teamId")
            return await service.update(object_id, values)

        return await TICKETS.change(info, UpdateTicketPayload, id, update)

    @strawberry.mutation(extensions=[allow(WITH_CUSTOMERS)])
    async def add_ticket_message(
        self, info: Info, ticket_id: strawberry.ID, input: TicketMessageInput
    ) -> AddTicketMessagePayload:
        author = await author_of(info)
        owner = customer_of(await info.context.require_principal())

        async def add(service: Workflow, object_id: ObjectId) -> Document:
            return await service.add_message(
                object_id, author, input.body, input.internal, owner=owner
            )

        key = Idempotent(input.idempotency_key, {"ticketId": ticket_id, **request_params(input)})
        return await TICKETS.change(
            info, AddTicketMessagePayload, ticket_id, add, argument="ticketId", idempotency=key
        )

    @strawberry.mutation(
        description="Answer the survey of the ticket's latest resolution: the customer, or an "
        "agent recording their answer (by phone). Once per resolution (a second answer is "
        "DUPLICATE; no open survey is INVALID_TRANSITION).",
        extensions=[allow(WITH_CUSTOMERS)],
    )
    async def rate_ticket(
        self, info: Info, ticket_id: strawberry.ID, rating: int, comment: str | None = None
    ) -> RateTicketPayload:
        recorder = await author_of(info)
        owner = customer_of(await info.context.require_principal())

        async def rate(service: SatisfactionService, object_id: ObjectId) -> Document:
            return await service.rate(Rating(object_id, rating, comment, recorder, owner))

        return await RATINGS.change(info, RateTicketPayload, ticket_id, rate, argument="ticketId")
