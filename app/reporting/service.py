"""Service reports: ``serviceMetrics`` (per period and group, from the metrics each ticket
records as events happen) and ``complaintReport``. MongoDB computes the figures (see
``app.reporting.pipelines``); this module puts the rows of the anchors together."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

from bson import ObjectId

from app.core.db import Document, MongoDatabase
from app.reporting.repository import Query, ReportRepository
from app.segmentation.repository import AssignmentRepository, SegmentationRunRepository
from app.tickets.models import TicketType
from app.workflow.models import SlaMetric

REPEAT_DAYS = 90
MAX_REPEAT_COMPLAINERS = 100


@dataclass(frozen=True)
class Stats:
    """Count, median and 90th percentile of one metric, in minutes (None without values)."""

    count: int = 0
    median: float | None = None
    p90: float | None = None

    @classmethod
    def of(cls, figures: Document) -> Stats:
        return cls(figures["count"], figures["median"], figures["p90"])


@dataclass(frozen=True)
class Durations:
    calendar: Stats = Stats()
    business: Stats = Stats()

    @classmethod
    def of(cls, doc: Document, name: str) -> Durations:
        return cls(Stats.of(doc[name]), Stats.of(doc[f"{name}Business"]))


def ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class ServiceRow:
    """One period and group: ``key`` holds the value of each group asked for."""

    start: datetime
    end: datetime
    key: dict[str, Any]
    created: int = 0
    escalated: int = 0
    solved: int = 0
    first_reply: Durations = Durations()
    resolution: Durations = Durations()
    requester_wait: Durations = Durations()
    one_touch: int = 0
    reopened: int = 0
    sla: dict[SlaMetric, tuple[int, int]] = field(default_factory=dict)  # (hit, missed)
    surveys: int = 0
    responses: int = 0
    good: int = 0
    backlog: int = 0
    backlog_age: Stats = Stats()

    def add_solved(self, doc: Document) -> None:
        self.solved = doc["solved"]
        self.resolution = Durations.of(doc, "resolution")
        self.requester_wait = Durations.of(doc, "requesterWait")
        self.one_touch, self.reopened = doc["oneTouch"], doc["reopened"]
        self.sla = {m: (doc[f"sla_{m.value}_hit"], doc[f"sla_{m.value}_missed"]) for m in SlaMetric}
        self.surveys, self.responses, self.good = doc["surveys"], doc["responses"], doc["good"]


@dataclass(frozen=True)
class SegmentCount:
    segment: Document | None  # {key, label, rank} of the latest segmentation; None: not in it
    complaints: int


@dataclass(frozen=True)
class RepeatComplainer:
    customer_id: ObjectId
    complaints: int
    last: datetime


@dataclass
class ComplaintPeriod:
    start: datetime
    end: datetime
    complaints: int = 0
    escalated: int = 0
    solved: int = 0
    resolution: Durations = Durations()
    tags: list[tuple[str | None, int]] = field(default_factory=list)
    segments: list[SegmentCount] = field(default_factory=list)


@dataclass(frozen=True)
class ComplaintReport:
    periods: list[ComplaintPeriod]
    repeat_since: datetime
    repeat_complainers: list[RepeatComplainer]


def _milliseconds(moment: datetime) -> datetime:
    """As MongoDB stores it (a report's period end comes back at this precision)."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _order(value: Any) -> tuple[bool, str]:
    return value is None, str(value)


class ReportService:
    def __init__(self, db: MongoDatabase) -> None:
        self.reports = ReportRepository(db)
        self.runs = SegmentationRunRepository(db)
        self.assignments = AssignmentRepository(db)

    async def service_metrics(
        self, query: Query, groups: Sequence[str], interval: str, starts: list[datetime],
        now: datetime | None = None,
    ) -> list[ServiceRow]:  # fmt: skip
        """Rows per period (``starts``: the period starts and the last end) and group."""
        groups = list(dict.fromkeys(groups))
        start, end = starts[0], starts[-1]
        now = _milliseconds(now or datetime.now(UTC))
        ends = dict(pairwise(starts))
        rows: dict[tuple[Any, ...], ServiceRow] = {}

        def row(period: datetime, ident: Document) -> ServiceRow:
            key = {group: ident.get(group) for group in groups}
            found = (period, *key.values())
            if found not in rows:
                rows[found] = ServiceRow(period, ends[period], key)
            return rows[found]

        for doc in await self.reports.created(query, start, end, interval, groups):
            created = row(doc["_id"]["period"], doc["_id"])
            created.created, created.escalated = doc["created"], doc["escalated"]
        for doc in await self.reports.first_replies(query, start, end, interval, groups):
            row(doc["_id"]["period"], doc["_id"]).first_reply = Durations.of(doc, "firstReply")
        for doc in await self.reports.solved(query, start, end, interval, groups):
            row(doc["_id"]["period"], doc["_id"]).add_solved(doc)
        # The backlog at each period's end (at now for the period under way).
        period_of = {min(e, now): s for s, e in ends.items() if s < now}
        if period_of:
            for doc in await self.reports.backlog(query, list(period_of), interval, groups):
                counted = row(period_of[doc["_id"]["end"]], doc["_id"])
                counted.backlog, counted.backlog_age = doc["open"], Stats.of(doc["ages"])
        return sorted(rows.values(), key=lambda r: (r.start, *(_order(v) for v in r.key.values())))

    async def complaint_report(
        self, interval: str, starts: list[datetime], now: datetime | None = None
    ) -> ComplaintReport:
        """Complaints per period: created, escalated, by tag and by segment, solved and the
        time to resolution; and the customers with more than one in the last 90 days."""
        query: Query = {"type": TicketType.COMPLAINT.value}
        start, end = starts[0], starts[-1]
        periods = {s: ComplaintPeriod(s, e) for s, e in pairwise(starts)}
        for doc in await self.reports.created(query, start, end, interval, []):
            period = periods[doc["_id"]["period"]]
            period.complaints, period.escalated = doc["created"], doc["escalated"]
        for doc in await self.reports.created(query, start, end, interval, ["TAG"]):
            periods[doc["_id"]["period"]].tags.append((doc["_id"]["TAG"], doc["created"]))
        for doc in await self.reports.solved(query, start, end, interval, []):
            period = periods[doc["_id"]["period"]]
            period.solved, period.resolution = doc["solved"], Durations.of(doc, "resolution")
        await self._segments(query, interval, periods)
        for period in periods.values():
            period.tags.sort(key=lambda tag: (-tag[1], _order(tag[0])))
        until = min(end, now or datetime.now(UTC))
        since = until - timedelta(days=REPEAT_DAYS)
        repeat = await self.reports.repeat_complainers(query, since, until, MAX_REPEAT_COMPLAINERS)
        return ComplaintReport(
            periods=[p for p in periods.values() if p.complaints or p.solved],
            repeat_since=since,
            repeat_complainers=[
                RepeatComplainer(doc["_id"], doc["complaints"], doc["last"]) for doc in repeat
            ],
        )

    async def _segments(
        self, query: Query, interval: str, periods: dict[datetime, ComplaintPeriod]
    ) -> None:
        """Each period's complaints by the complaining customers' segment in the latest
        segmentation."""
        starts = list(periods)
        end = periods[starts[-1]].end
        rows = await self.reports.complainers(query, starts[0], end, interval)
        run = await self.runs.latest()
        segments = {s["key"]: s for s in (run or {}).get("segments", [])}
        found: dict[Any, Document] = {}
        if run is not None:
            customers = list({doc["_id"]["customer"] for doc in rows})
            found = await self.assignments.for_customers(run["_id"], customers)
        counts: dict[tuple[datetime, str | None], int] = {}
        for doc in rows:
            assignment = found.get(doc["_id"]["customer"])
            at = (doc["_id"]["period"], assignment["key"] if assignment else None)
            counts[at] = counts.get(at, 0) + doc["complaints"]
        for (period, key), complaints in sorted(counts.items(), key=lambda c: -c[1]):
            segment = segments.get(key) if key is not None else None
            shown = {k: segment[k] for k in ("key", "label", "rank")} if segment else None
            periods[period].segments.append(SegmentCount(shown, complaints))
