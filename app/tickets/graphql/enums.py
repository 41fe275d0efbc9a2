"""The ticket enums as GraphQL shows them (sentiment and tag sources come from tagging)."""

from __future__ import annotations

import strawberry

from app.tagging.sentiment import Sentiment
from app.tagging.tagger import TagSource
from app.tickets.models import Channel, TicketPriority, TicketStatus, TicketType

strawberry.enum(TicketType, description="What the customer came for.")
strawberry.enum(TicketStatus, description="Where a ticket stands; CLOSED is final.")
strawberry.enum(TicketPriority)
strawberry.enum(Channel, description="How the ticket reached us.")
strawberry.enum(Sentiment, description="How the customer feels, from what they wrote.")
strawberry.enum(
    TagSource,
    description="Who tagged: RULE = taxonomy keywords, MODEL = the trained tagger, AGENT = a "
    "person (never overwritten by automatic tagging).",
)

__all__ = ["Channel", "Sentiment", "TagSource", "TicketPriority", "TicketStatus", "TicketType"]
