"""Ticket filters, sort orders and mutation inputs."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import strawberry
from bson import ObjectId

from app.core.errors import ErrorCode, FieldError, InputError
from app.graphql.inputs import (
    DateTimeFilter,
    QueryBuilder,
    TagFilter,
    as_utc,
    check_list,
    sort_order,
)
from app.graphql.relay import decode_id_or_raise, decode_input_id
from app.tickets.graphql.enums import Channel, Sentiment, TicketPriority, TicketStatus, TicketType
from app.tickets.models import TicketDraft
from app.workflow.graphql.enums import SlaStatus
from app.workflow.models import AGENT, TEAM

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
    assignee_id: strawberry.ID | None = None
    team_id: strawberry.ID | None = None
    sla_status: list[SlaStatus] | None = strawberry.field(
        default=None, description="As readers see it: an overdue target is MISSED already."
    )
    sla_due_before: datetime | None = strawberry.field(
        default=None, description="The next pending SLA target falls due before this."
    )

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
        if self.assignee_id is not None:
            query.add("assigneeId", decode_id_or_raise(self.assignee_id, AGENT))
        if self.team_id is not None:
            query.add("teamId", decode_id_or_raise(self.team_id, TEAM))
        if self.sla_status is not None:
            check_list("slaStatus", self.sla_status)
            query.clauses.append(sla_clause(self.sla_status, datetime.now(UTC)))
        if self.sla_due_before is not None:
            query.add("sla.dueAt", {"$lt": as_utc(self.sla_due_before)})
        return query.build()


def sla_clause(statuses: list[SlaStatus], now: datetime) -> dict[str, Any]:
    """Stored ACTIVE tickets whose target fell due since the last sweep count as MISSED. No
    status matches nothing, as an empty list does for every other filter (``$or`` must not be
    empty)."""
    if not statuses:
        return {"sla.status": {"$in": []}}
    branches: list[dict[str, Any]] = []
    for status in dict.fromkeys(statuses):
        if status is SlaStatus.MISSED:
            branches += [
                {"sla.status": "MISSED"},
                {"sla.status": "ACTIVE", "sla.dueAt": {"$lt": now}},
            ]
        elif status is SlaStatus.ACTIVE:
            branches.append({"sla.status": "ACTIVE", "sla.dueAt": {"$gte": now}})
        else:
            branches.append({"sla.status": status.value})
    return branches[0] if len(branches) == 1 else {"$or": branches}


@strawberry.input(
    description="Staff name the customer and the channel; a customer's ticket is their own, "
    "by WEB unless they say otherwise, and its priority is the service desk's to set."
)
class CreateTicketInput:
    customer_id: strawberry.ID | None = strawberry.field(
        default=None, description="Required for staff; a customer may name only themselves."
    )
    type: TicketType
    channel: Channel | None = strawberry.field(
        default=None, description="Required for staff; WEB for a customer by default."
    )
    subject: str
    body: str
    order_id: strawberry.ID | None = None
    priority: TicketPriority | None = None
    idempotency_key: str | None = strawberry.field(
        default=None, description="Your key for this request: a retry with it creates nothing new."
    )

    def draft(self, owner: ObjectId | None) -> TicketDraft:
        """The ticket to open; ``owner``: the customer opening it (None for staff). Every
        malformed or missing value is reported at once."""
        errors: list[FieldError] = []
        customer_id, order_id = owner, None
        if self.customer_id is not None:
            customer_id = _decoded(self.customer_id, "Customer", "customerId", errors)
        if self.order_id is not None:
            order_id = _decoded(self.order_id, "Order", "orderId", errors)
        channel = self.channel or (Channel.WEB if owner is not None else None)
        if customer_id is None:
            errors.append(FieldError("customerId", ErrorCode.REQUIRED, "Name the customer."))
        if channel is None:
            errors.append(FieldError("channel", ErrorCode.REQUIRED, "Name the channel."))
        if errors or customer_id is None or channel is None:
            raise InputError(errors)
        priority = self.priority or TicketPriority.NORMAL
        return TicketDraft(
            customer_id, self.type, channel, self.subject, self.body, order_id, priority
        )


def _decoded(global_id: str, type_name: str, field: str, errors: list[FieldError]) -> ObjectId:
    try:
        return decode_input_id(global_id, type_name, field)
    except InputError as error:
        errors.extend(error.errors)
        return ObjectId()


@strawberry.input(
    description="Only the fields given are changed; null assigneeId unassigns. Tags: setTicketTags."
)
class UpdateTicketInput:
    status: TicketStatus | None = strawberry.UNSET
    priority: TicketPriority | None = strawberry.UNSET
    assignee_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="An agent with room: one at capacity is refused (OUT_OF_RANGE).",
    )
    team_id: strawberry.ID | None = strawberry.UNSET


@strawberry.input(
    description="The author is the caller: an agent (a credential linked to one), other staff, "
    "or the ticket's customer (signed in with a CUSTOMER token)."
)
class TicketMessageInput:
    body: str
    internal: bool = False
    idempotency_key: str | None = strawberry.field(
        default=None, description="Your key for this request: a retry with it creates nothing new."
    )
