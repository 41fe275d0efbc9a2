"""Ticket documents: their vocabularies, the status moves, and what a stored ticket holds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

from bson import ObjectId

from app.core.db import Document

TYPE_NAME = "Ticket"


class TicketType(Enum):
    CONSULTATION = "CONSULTATION"
    FEEDBACK = "FEEDBACK"
    COMPLAINT = "COMPLAINT"


class TicketStatus(Enum):
    NEW = "NEW"
    OPEN = "OPEN"
    PENDING = "PENDING"
    RESOLVED = "RESOLVED"
    CLOSED = "CLOSED"


class TicketPriority(Enum):
    LOW = "LOW"
    NORMAL = "NORMAL"
    HIGH = "HIGH"
    URGENT = "URGENT"


class Channel(Enum):
    EMAIL = "EMAIL"
    PHONE = "PHONE"
    CHAT = "CHAT"
    WEB = "WEB"
    SOCIAL = "SOCIAL"


class AuthorKind(Enum):
    """Who wrote a ticket message: the customer (signed in with a CUSTOMER token), an
    agent, other staff (an API key or user that is no agent), or a rule."""

    CUSTOMER = "CUSTOMER"
    AGENT = "AGENT"
    STAFF = "STAFF"
    RULE = "RULE"


@dataclass(frozen=True)
class Author:
    """The writer of a message, as the caller's credentials say."""

    kind: AuthorKind
    name: str
    agent_id: ObjectId | None = None

    def to_document(self) -> Document:
        return {
            "author": self.name,
            "authorKind": self.kind.value,
            "agentId": self.agent_id,
            "fromCustomer": self.kind is AuthorKind.CUSTOMER,
        }


_S = TicketStatus
# CLOSED is final; RESOLVED may reopen to OPEN.
TRANSITIONS: dict[TicketStatus, frozenset[TicketStatus]] = {
    _S.NEW: frozenset({_S.OPEN, _S.PENDING, _S.RESOLVED, _S.CLOSED}),
    _S.OPEN: frozenset({_S.PENDING, _S.RESOLVED, _S.CLOSED}),
    _S.PENDING: frozenset({_S.OPEN, _S.RESOLVED, _S.CLOSED}),
    _S.RESOLVED: frozenset({_S.OPEN, _S.CLOSED}),
}

PRIORITY_RANK = {p: rank for rank, p in enumerate(TicketPriority)}
# A new ticket waits for the automatic tagger (app.tagging.auto), which runs on its own.
UNTAGGED: dict[str, Any] = {
    "tags": [],
    "language": None,
    "sentiment": None,
    "tagsReviewed": False,
    "textRevision": 1,
    "tagPending": True,
    "taggedAt": None,
}


@dataclass(frozen=True)
class TicketDraft:
    """What opens a ticket: whose it is, what it is about, and what they wrote."""

    customer_id: ObjectId
    type: TicketType
    channel: Channel
    subject: str
    body: str
    order_id: ObjectId | None = None
    priority: TicketPriority = TicketPriority.NORMAL
    created_at: datetime | None = None

    def to_document(
        self,
        *,
        number: str,
        status: TicketStatus,
        now: datetime,
        messages: Sequence[Document] = (),
        first_response_at: datetime | None = None,
        resolved_at: datetime | None = None,
    ) -> Document:
        """The ticket as stored (opened at ``created_at``, or ``now``); untagged, waiting for
        the automatic tagger; unassigned, with no SLA until the workflow gives it one."""
        created = self.created_at or now
        asked = [m["at"] for m in messages if m.get("fromCustomer")]
        replied = [m["at"] for m in messages if not m.get("fromCustomer") and not m.get("internal")]
        return {
            "number": number,
            "customerId": self.customer_id,
            "orderId": self.order_id,
            "type": self.type.value,
            "channel": self.channel.value,
            "subject": self.subject,
            "body": self.body,
            "status": status.value,
            "priority": self.priority.value,
            "priorityRank": PRIORITY_RANK[self.priority],
            "assigneeId": None,
            "teamId": None,
            "messages": list(messages),
            **UNTAGGED,
            "createdAt": created,
            "updatedAt": now,
            "statusChangedAt": resolved_at or created,
            # The opening text is the customer's first message.
            "lastCustomerMessageAt": max([created, *asked]),
            "lastAgentReplyAt": max(replied, default=None),
            "sla": None,
            "scheduledRules": [],
            "taskDueAt": None,
            "queuedAt": None,
            "firstResponseAt": first_response_at,
            "resolvedAt": resolved_at,
        }
