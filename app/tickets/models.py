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
        assignee: str | None = None,
        first_response_at: datetime | None = None,
        resolved_at: datetime | None = None,
    ) -> Document:
        """The ticket as stored (opened at ``created_at``, or ``now``); untagged, waiting for
        the automatic tagger."""
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
            "assignee": assignee,
            "messages": list(messages),
            **UNTAGGED,
            "createdAt": self.created_at or now,
            "updatedAt": now,
            "firstResponseAt": first_response_at,
            "resolvedAt": resolved_at,
        }
