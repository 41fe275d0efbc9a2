"""Ticket rules: who a ticket belongs to, how its status moves, and its conversation."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import bson
from bson import ObjectId

from app.core.counters import CounterRepository
from app.core.db import Document, MongoDatabase
from app.core.errors import ErrorCode, InputError
from app.core.validation import Checker, check_transition
from app.customers.repository import CustomerRepository
from app.orders.repository import OrderRepository
from app.tickets.metrics import Span, first_reply, new_metrics
from app.tickets.models import (
    PRIORITY_RANK,
    TRANSITIONS,
    Author,
    AuthorKind,
    TicketDraft,
    TicketPriority,
    TicketStatus,
)
from app.tickets.repository import TicketRepository

MAX_BODY = 20_000
MAX_MESSAGES = 500
# A ticket is one MongoDB document (16 MiB at most): its conversation stops well before.
MAX_TICKET_BYTES = 8 * 1024 * 1024


def status_changes(status: TicketStatus, now: datetime) -> dict[str, Any]:
    """The fields a move to ``status`` sets (checked against TRANSITIONS by the caller)."""
    changes: dict[str, Any] = {"status": status.value, "statusChangedAt": now}
    if status is TicketStatus.RESOLVED:
        changes["resolvedAt"] = now
    elif status is TicketStatus.OPEN:
        changes["resolvedAt"] = None
    return changes


class TicketService:
    """Opens tickets, moves their status and records the conversation."""

    def __init__(self, db: MongoDatabase) -> None:
        self.tickets = TicketRepository(db)
        self.customers = CustomerRepository(db)
        self.orders = OrderRepository(db)
        self.counters = CounterRepository(db)

    async def create(self, draft: TicketDraft) -> Document:
        return await self.tickets.insert(await self.prepare(draft))

    async def prepare(self, draft: TicketDraft, *, owner: ObjectId | None = None) -> Document:
        """The checked new ticket, numbered, as it will be stored. A customer (``owner``)
        opens tickets for themselves only, about their own orders (another's reads as not
        found), and leaves the priority to the service desk."""
        check = Checker()
        subject = check.text("subject", draft.subject, required=True)
        body = check.text("body", draft.body, required=True, max_length=MAX_BODY)
        if owner is not None:
            if draft.priority is not TicketPriority.NORMAL:
                check.add("priority", ErrorCode.INVALID, "The service desk sets the priority.")
            if draft.customer_id != owner:
                message = "A customer opens tickets for themselves only."
                check.add("customerId", ErrorCode.INVALID, message)
                check.raise_if_any()  # nothing of another customer is looked up
        if await self.customers.get(draft.customer_id) is None:
            check.add("customerId", ErrorCode.NOT_FOUND, "No customer has this ID.")
        if draft.order_id is not None:
            order = await self.orders.get(draft.order_id)
            if order is None or (owner is not None and order["customerId"] != owner):
                check.add("orderId", ErrorCode.NOT_FOUND, "No order has this ID.")
            elif order["customerId"] != draft.customer_id:
                check.add("orderId", ErrorCode.INVALID, "The order belongs to another customer.")
        check.raise_if_any()
        document = replace(draft, subject=subject or "", body=body or "").to_document(
            number=await self.counters.next_number("tickets", "TK"),
            status=TicketStatus.NEW,
            now=datetime.now(UTC),
        )
        return {**document, "metrics": new_metrics()}

    def changes(self, ticket: Document, values: dict[str, Any], now: datetime) -> dict[str, Any]:
        """The checked changes of status and priority (only the fields given) to ``ticket``;
        the workflow adds team and assignee and writes them together."""
        changes: dict[str, Any] = {}
        if values.get("status") is not None:
            status: TicketStatus = values["status"]
            current = TicketStatus(ticket["status"])
            if status != current:
                check_transition(TRANSITIONS, current, status)
                changes.update(status_changes(status, now))
        if values.get("priority") is not None:
            changes["priority"] = values["priority"].value
            changes["priorityRank"] = PRIORITY_RANK[values["priority"]]
        return changes

    async def add_message(
        self, ticket_id: ObjectId, author: Author, body: str, internal: bool, business: Span
    ) -> Document:
        """Append a message: one atomic ``$push``, so messages written at the same time are
        all kept. The author comes from the caller's credentials. The first public reply by
        staff sets ``firstResponseAt`` and the first reply metrics (``business``: business
        minutes between two moments), each public staff reply counts in ``agentReplies``; a
        public message from the customer is feedback, so the ticket is tagged again; closed
        tickets take no more messages."""
        check = Checker()
        body_text = check.text("body", body, required=True, max_length=MAX_BODY)
        if internal and author.kind is AuthorKind.CUSTOMER:
            check.add("internal", ErrorCode.INVALID, "Customers cannot write internal notes.")
        check.raise_if_any()
        ticket = await self.get(ticket_id, field="ticketId")
        now = datetime.now(UTC)
        if author.kind is AuthorKind.CUSTOMER:
            customer = await self.customers.get(ticket["customerId"])
            author = replace(author, name=customer["name"] if customer else author.name)
        from_customer = author.kind is AuthorKind.CUSTOMER
        message = {**author.to_document(), "body": body_text, "internal": internal, "at": now}
        if len(bson.encode(ticket)) + len(bson.encode(message)) > MAX_TICKET_BYTES:
            raise InputError.one(
                "body",
                ErrorCode.OUT_OF_RANGE,
                "The conversation is too long for one ticket; open a new ticket for it.",
            )
        stamps = (
            {}
            if internal
            else {"lastCustomerMessageAt" if from_customer else "lastAgentReplyAt": now}
        )
        staff_reply = not internal and not from_customer
        counted = staff_reply and ticket.get("metrics") is not None
        updated = await self.tickets.append_message(
            ticket_id, message, now, MAX_MESSAGES, feedback=from_customer, stamps=stamps,
            counts={"metrics.agentReplies": 1} if counted else {},
        )  # fmt: skip
        if updated is None:
            raise await self._refusal(ticket_id)
        if staff_reply and updated["firstResponseAt"] is None:
            recorded = first_reply(ticket, now, business)
            updated = await self.tickets.first_response(ticket_id, now, recorded) or updated
        return updated

    async def _refusal(self, ticket_id: ObjectId) -> InputError:
        """Why a message could not be appended (the ticket as it is now)."""
        ticket = await self.get(ticket_id, field="ticketId")
        if ticket["status"] == TicketStatus.CLOSED.value:
            return InputError.one(
                "ticketId", ErrorCode.INVALID_TRANSITION, "The ticket is closed; open a new one."
            )
        return InputError.one(
            "ticketId", ErrorCode.OUT_OF_RANGE, f"A ticket holds at most {MAX_MESSAGES} messages."
        )

    async def get(
        self, ticket_id: ObjectId, field: str = "id", *, owner: ObjectId | None = None
    ) -> Document:
        """The ticket; for a customer (``owner``) only their own, another's is not found."""
        ticket = await self.tickets.get(ticket_id)
        if ticket is None or (owner is not None and ticket["customerId"] != owner):
            raise InputError.one(field, ErrorCode.NOT_FOUND, "No ticket has this ID.")
        return ticket
