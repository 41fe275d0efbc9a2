"""Ticket vocabularies and the status moves."""

from __future__ import annotations

from enum import Enum

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
