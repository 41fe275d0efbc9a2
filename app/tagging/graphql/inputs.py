"""The taxonomy's inputs, the tagging jobs' inputs, and feedbackSummary's interval."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from app.tickets.graphql.inputs import TicketFilter


@strawberry.enum(description="The length of a feedbackSummary period (UTC; weeks start Monday).")
class SummaryInterval(Enum):
    DAY = "DAY"
    WEEK = "WEEK"
    MONTH = "MONTH"


@strawberry.input
class TagKeywordsInput:
    language: str = strawberry.field(description="en or zh.")
    phrases: list[str]


@strawberry.input
class CreateTagInput:
    name: str = strawberry.field(description="Lower-case, digits and hyphens: `gift-wrapping`.")
    description: str | None = None
    keywords: list[TagKeywordsInput] | None = None


@strawberry.input(description="Only the fields given change; keywords replace per language.")
class UpdateTagInput:
    name: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    keywords: list[TagKeywordsInput] | None = strawberry.UNSET


@strawberry.input
class StartTaggerTrainingInput:
    idempotency_key: str | None = None


@strawberry.input
class StartFeedbackTaggingInput:
    filter: TicketFilter | None = None
    retag: bool = strawberry.field(
        default=False,
        description="Also tickets tagged before (agent tags are kept either way).",
    )
    idempotency_key: str | None = None


@strawberry.input
class StartTopicDiscoveryInput:
    since: datetime | None = strawberry.field(
        default=None, description="Feedback created since; default 30 days ago."
    )
    idempotency_key: str | None = None


def keyword_map(keywords: list[TagKeywordsInput] | None) -> dict[str, list[str]] | None:
    if keywords is None:
        return None
    out: dict[str, list[str]] = {}
    for entry in keywords:
        out.setdefault(entry.language.strip().lower(), []).extend(entry.phrases)
    return out
