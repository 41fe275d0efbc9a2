"""feedbackSummary: per period, tickets by tag and by sentiment, and the average score."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

from app.core.db import MongoDatabase
from app.core.errors import ErrorCode, InputError
from app.tickets.repository import TicketRepository

DEFAULT_PERIODS = {"DAY": 30, "WEEK": 26, "MONTH": 12}
MAX_PERIODS = 400
FIRST_DAY = datetime.min.replace(tzinfo=UTC)


def truncate(moment: datetime, interval: str) -> datetime:
    """The start of the period holding ``moment`` (UTC; weeks start on Monday)."""
    day = moment.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    if interval == "WEEK":
        return day - timedelta(days=day.weekday())
    if interval == "MONTH":
        return day.replace(day=1)
    return day


def next_start(start: datetime, interval: str) -> datetime:
    if interval == "DAY":
        return start + timedelta(days=1)
    if interval == "WEEK":
        return start + timedelta(days=7)
    year, month = (start.year + 1, 1) if start.month == 12 else (start.year, start.month + 1)
    return start.replace(year=year, month=month)


def window(
    interval: str, gte: datetime | None, lt: datetime | None, now: datetime
) -> list[datetime]:
    """Period starts from ``gte`` (default: the last few periods) up to ``lt`` (default: now),
    plus the end of the last period."""
    end = lt or now
    if gte is None:
        start = truncate(end, interval)
        for _ in range(DEFAULT_PERIODS[interval] - 1):
            if start - FIRST_DAY < timedelta(days=1):
                break  # the calendar starts here: fewer periods
            start = truncate(start - timedelta(days=1), interval)
    else:
        start = truncate(gte, interval)
    if start >= end:
        raise InputError.one(
            "filter.createdAt", ErrorCode.OUT_OF_RANGE, "createdAt.gte must be before lt."
        )
    starts = [start]
    while starts[-1] < end:
        try:
            starts.append(next_start(starts[-1], interval))
        except (OverflowError, ValueError):
            raise InputError.one(
                "filter.createdAt", ErrorCode.OUT_OF_RANGE, "The last period ends after 9999."
            ) from None
        if len(starts) > MAX_PERIODS + 1:
            raise InputError.one(
                "filter.createdAt",
                ErrorCode.OUT_OF_RANGE,
                f"At most {MAX_PERIODS} periods; narrow createdAt or use a longer interval.",
            )
    return starts


@dataclass
class TagCount:
    tag: str
    tickets: int = 0
    negative: int = 0
    score_sum: float = 0.0
    scored: int = 0

    @property
    def average(self) -> float | None:
        return round(self.score_sum / self.scored, 4) if self.scored else None


@dataclass
class Period:
    start: datetime
    end: datetime
    tickets: int = 0
    negative: int = 0
    neutral: int = 0
    positive: int = 0
    average: float | None = None
    tags: list[TagCount] = field(default_factory=list)

    @property
    def untagged(self) -> int:
        return self.tickets - self.negative - self.neutral - self.positive


async def feedback_summary(
    db: MongoDatabase, query: dict[str, Any], interval: str, starts: list[datetime]
) -> tuple[list[Period], list[TagCount]]:
    """Every period of the window (empty ones too, so charts have no holes) and the window's
    totals per tag, most tickets first."""
    totals, by_tag = await TicketRepository(db).feedback_periods(
        query, interval, starts[0], starts[-1]
    )
    periods = {s: Period(s, e) for s, e in pairwise(starts)}
    for row in totals:
        period = periods.get(_utc(row["_id"]))
        if period is not None:
            period.tickets = row["tickets"]
            period.negative, period.neutral = row["negative"], row["neutral"]
            period.positive = row["positive"]
            average = row.get("averageScore")
            period.average = round(average, 4) if average is not None else None
    overall: dict[str, TagCount] = {}
    for row in by_tag:
        period = periods.get(_utc(row["_id"]["period"]))
        if period is None:
            continue
        name = row["_id"]["tag"]
        average = row.get("averageScore")
        count = TagCount(name, row["tickets"], row["negative"])
        if average is not None:
            count.score_sum, count.scored = average * row["tickets"], row["tickets"]
        period.tags.append(count)
        total = overall.setdefault(name, TagCount(name))
        total.tickets += count.tickets
        total.negative += count.negative
        total.score_sum += count.score_sum
        total.scored += count.scored
    for period in periods.values():
        period.tags.sort(key=lambda t: (-t.tickets, t.tag))
    ranked = sorted(overall.values(), key=lambda t: (-t.tickets, t.tag))
    return list(periods.values()), ranked


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
