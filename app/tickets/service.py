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
from app.tickets.models import (
    PRIORITY_RANK,
    TRANSITIONS,
    TicketDraft,
    TicketStatus,
)
from app.tickets.repository import TicketRepository

MAX_BODY = 20_000
MAX_MESSAGES = 500
# A ticket is one MongoDB document (16 MiB at most): its conversation stops well before.
MAX_TICKET_BYTES = 8 * 1024 * 1024


class TicketService:
    """Opens tickets, moves their status and records the conversation."""

    def __init__(self, db: MongoDatabase) -> None:
        self.tickets = TicketRepository(db)
        self.customers = CustomerRepository(db)
        self.orders = OrderRepository(db)
        self.counters = CounterRepository(db)

    async def create(self, draft: TicketDraft) -> Document:
        check = Checker()
        subject = check.text("subject", draft.subject, required=True)
        body = check.text("body", draft.body, required=True, max_length=MAX_BODY)
        if await self.customers.get(draft.customer_id) is None:
            check.add("customerId", ErrorCode.NOT_FOUND, "No customer has this ID.")
        if draft.order_id is not None:
            order = await self.orders.get(draft.order_id)
            if order is None:
                check.add("orderId", ErrorCode.NOT_FOUND, "No order has this ID.")
            elif order["customerId"] != draft.customer_id:
                check.add("orderId", ErrorCode.INVALID, "The order belongs to another customer.")
        check.raise_if_any()
        document = replace(draft, subject=subject or "", body=body or "").to_document(
            number=await self.counters.next_number("tickets", "TK"),
            status=TicketStatus.NEW,
            now=datetime.now(UTC),
        )
        return await self.tickets.insert(document)

    async def update(self, ticket_id: ObjectId, values: dict[str, Any]) -> Document:
        """Change status, priority or assignee; only the fields given (tags: see tagging)."""
        check = Checker()
        ticket = await self._get(ticket_id)
        now = datetime.now(UTC)
        changes: dict[str, Any] = {"updatedAt": now}
        if values.get("status") is not None:
            status: TicketStatus = values["status"]
            current = TicketStatus(ticket["status"])
            if status != current:
                check_transition(TRANSITIONS, current, status)
                changes["status"] = status.value
                if status is TicketStatus.RESOLVED:
                    changes["resolvedAt"] = now
                elif status is TicketStatus.OPEN:
                    changes["resolvedAt"] = None
        if values.get("priority") is not None:
            changes["priority"] = values["priority"].value
            changes["priorityRank"] = PRIORITY_RANK[values["priority"]]
        if "assignee" in values:
            changes["assignee"] = check.text("assignee", values["assignee"])
        check.raise_if_any()
        return await self._apply(ticket, changes)

    async def add_message(
        self, ticket_id: ObjectId, author: str, body: str, internal: bool
    ) -> Document:
        """Append a message: one atomic ``$push``, so messages written at the same time are
        all kept. The first public reply by someone other than the customer sets
        ``firstResponseAt``; a public message from the customer is feedback, so the ticket is
        tagged again; closed tickets take no more messages."""
        check = Checker()
        author_text = check.text("author", author, required=True)
        body_text = check.text("body", body, required=True, max_length=MAX_BODY)
        check.raise_if_any()
        ticket = await self._get(ticket_id, field="ticketId")
        now = datetime.now(UTC)
        from_customer = not internal and await self._is_customer(ticket, author_text or "")
        message = {
            "author": author_text,
            "body": body_text,
            "internal": internal,
            "fromCustomer": from_customer,
            "at": now,
        }
        if len(bson.encode(ticket)) + len(bson.encode(message)) > MAX_TICKET_BYTES:
            raise InputError.one(
                "body",
                ErrorCode.OUT_OF_RANGE,
                "The conversation is too long for one ticket; open a new ticket for it.",
            )
        updated = await self.tickets.append_message(
            ticket_id, message, now, MAX_MESSAGES, feedback=from_customer
        )
        if updated is None:
            raise await self._refusal(ticket_id)
        if not internal and not from_customer and updated["firstResponseAt"] is None:
            updated = await self.tickets.first_response(ticket_id, now) or updated
        return updated

    async def _refusal(self, ticket_id: ObjectId) -> InputError:
        """Why a message could not be appended (the ticket as it is now)."""
        ticket = await self._get(ticket_id, field="ticketId")
        if ticket["status"] == TicketStatus.CLOSED.value:
            return InputError.one(
                "ticketId", ErrorCode.INVALID_TRANSITION, "The ticket is closed; open a new one."
            )
        return InputError.one(
            "ticketId", ErrorCode.OUT_OF_RANGE, f"A ticket holds at most {MAX_MESSAGES} messages."
        )

    async def _is_customer(self, ticket: Document, author: str) -> bool:
        customer = await self.customers.get(ticket["customerId"])
        if customer is None:
            return False
        return author.lower() in {customer["email"], customer["name"].lower()}

    async def _get(self, ticket_id: ObjectId, field: str = "id") -> Document:
        ticket = await self.tickets.get(ticket_id)
        if ticket is None:
            raise InputError.one(field, ErrorCode.NOT_FOUND, "No ticket has this ID.")
        return ticket

    async def _apply(self, ticket: Document, changes: dict[str, Any]) -> Document:
        # Guard on the version we checked (status and updatedAt) so a concurrent change is not
        # silently overwritten.
        guard = {"status": ticket["status"], "updatedAt": ticket["updatedAt"]}
        updated = await self.tickets.update(ticket["_id"], guard, changes)
        if updated is None:
            raise InputError.one(
                "id", ErrorCode.INVALID_TRANSITION, "The ticket changed meanwhile; reload it."
            )
        return updated
