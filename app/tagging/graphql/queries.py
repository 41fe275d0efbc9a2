"""``tags``, ``taggerModels`` and ``feedbackSummary``."""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry

from app.core.errors import InputError
from app.graphql.connections import connection_field
from app.graphql.context import Info
from app.graphql.cost import measured
from app.graphql.errors import client_error
from app.graphql.inputs import as_utc
from app.graphql.permissions import EVERYONE, allow
from app.tagging import summary
from app.tagging.graphql.inputs import SummaryInterval
from app.tagging.graphql.types import (
    FeedbackPeriod,
    FeedbackSummary,
    SentimentCounts,
    Tag,
    TagCount,
    TaggerModel,
)
from app.tagging.repository import TaggerModelRepository, TagRepository
from app.tickets.graphql.inputs import TicketFilter


@strawberry.type
class TaggingQuery:
    @strawberry.field(description="The taxonomy, by name.", extensions=[allow(EVERYONE)])
    async def tags(self, info: Info, include_archived: bool = False) -> list[Tag]:
        docs = await info.context.get(TagRepository).listing(include_archived)
        return [Tag.from_document(doc) for doc in docs]

    tagger_models = connection_field(
        TaggerModel,
        TaggerModelRepository,
        roles=EVERYONE,
        description="Tagger versions, newest first.",
    )

    @strawberry.field(
        description="Per period: tickets by tag and by sentiment, and the average sentiment. "
        "The window is filter.createdAt (default: the last 30 days, 26 weeks or 12 months).",
        extensions=[allow(EVERYONE)],
    )
    async def feedback_summary(
        self,
        info: Info,
        filter: TicketFilter | None = None,
        interval: SummaryInterval = SummaryInterval.WEEK,
    ) -> FeedbackSummary:
        ticket_filter = filter or TicketFilter()
        created = ticket_filter.created_at
        try:
            starts = summary.window(
                interval.value,
                as_utc(created.gte) if created and created.gte else None,
                as_utc(created.lt) if created and created.lt else None,
                datetime.now(UTC),
            )
        except InputError as error:
            problem = error.errors[0]
            raise client_error(problem.message, problem.code.value) from None
        periods, totals = await summary.feedback_summary(
            info.context.db, ticket_filter.to_query(), interval.value, starts
        )
        measured().read(2 * sum(p.tickets for p in periods))  # two passes over the window
        return FeedbackSummary(
            interval=interval,
            start=starts[0],
            end=starts[-1],
            periods=[
                FeedbackPeriod(
                    start=p.start,
                    end=p.end,
                    tickets=p.tickets,
                    sentiment=SentimentCounts(
                        negative=p.negative,
                        neutral=p.neutral,
                        positive=p.positive,
                        untagged=p.untagged,
                    ),
                    average_sentiment=p.average,
                    tags=[TagCount.of(t) for t in p.tags],
                )
                for p in periods
            ],
            tags=[TagCount.of(t) for t in totals],
        )
