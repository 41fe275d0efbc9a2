"""``serviceMetrics`` and ``complaintReport``."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import strawberry

from app.core.errors import InputError
from app.graphql.context import Info
from app.graphql.cost import measured
from app.graphql.errors import client_error
from app.graphql.inputs import as_utc
from app.graphql.permissions import ANALYSTS, allow
from app.reporting.graphql.types import (
    ComplaintPeriod,
    ComplaintReport,
    RepeatComplainer,
    ServiceGroup,
    ServiceMetrics,
    ServiceMetricsRow,
)
from app.reporting.service import ReportService
from app.tagging import summary
from app.tagging.graphql.inputs import SummaryInterval
from app.tickets.graphql.inputs import TicketFilter


def _periods(
    interval: SummaryInterval, gte: datetime | None, lt: datetime | None
) -> list[datetime]:
    try:
        return summary.window(interval.value, gte, lt, datetime.now(UTC))
    except InputError as error:
        problem = error.errors[0]
        raise client_error(problem.message, problem.code.value) from None


@strawberry.type
class ReportQuery:
    @strawberry.field(
        description="Service metrics per period and group (README: 'Service metrics' defines "
        "each). The window is filter.createdAt (default: the last 30 days, 26 weeks or 12 "
        "months): each metric counts the tickets whose own date (created, first reply, latest "
        "solve, period end) falls in it; the other filter fields select tickets.",
        extensions=[allow(ANALYSTS)],
    )
    async def service_metrics(
        self,
        info: Info,
        filter: TicketFilter | None = None,
        group_by: list[ServiceGroup] | None = None,
        interval: SummaryInterval = SummaryInterval.WEEK,
    ) -> ServiceMetrics:
        chosen = filter or TicketFilter()
        created = chosen.created_at
        starts = _periods(
            interval,
            as_utc(created.gte) if created and created.gte else None,
            as_utc(created.lt) if created and created.lt else None,
        )
        query = dataclasses.replace(chosen, created_at=None).to_query()
        groups = list(dict.fromkeys(group_by or []))
        rows = await info.context.get(ReportService).service_metrics(
            query, [g.value for g in groups], interval.value, starts
        )
        measured().read(sum(r.created + r.solved + r.backlog for r in rows))
        return ServiceMetrics(
            interval=interval,
            start=starts[0],
            end=starts[-1],
            group_by=groups,
            rows=[ServiceMetricsRow.of(row) for row in rows],
        )

    @strawberry.field(
        description="Complaints per period (the last 30 days, 26 weeks or 12 months): by tag "
        "and customer segment, escalations, time to resolution; and repeat complainers.",
        extensions=[allow(ANALYSTS)],
    )
    async def complaint_report(
        self, info: Info, interval: SummaryInterval = SummaryInterval.WEEK
    ) -> ComplaintReport:
        starts = _periods(interval, None, None)
        report = await info.context.get(ReportService).complaint_report(interval.value, starts)
        measured().read(sum(p.complaints + p.solved for p in report.periods))
        return ComplaintReport(
            interval=interval,
            start=starts[0],
            end=starts[-1],
            periods=[ComplaintPeriod.of(p) for p in report.periods],
            repeat_complainers_since=report.repeat_since,
            repeat_complainers=[
                RepeatComplainer(
                    complaints=r.complaints, last_complaint_at=r.last, customer_id=r.customer_id
                )
                for r in report.repeat_complainers
            ],
        )
