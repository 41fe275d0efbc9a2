"""Business hours: weekly intervals in a time zone, minus holidays; and the two sums the SLA
clocks need, a moment plus N business minutes and the business minutes between two moments.

Local times are turned into instants through the zone's rules (``zoneinfo``), so a clock that
crosses a daylight-saving change counts the hours the office is actually open.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.core.db import Document
from app.workflow.models import WEEKDAYS, Weekday

DAY_MINUTES = 24 * 60
# A clock that finds no open minute in this many days is refused (an office closed for ten years
# by its holidays); it keeps every loop here bounded.
MAX_DAYS = 3660


class NeverOpen(ValueError):
    """The schedule has no open minute in reach."""


def parse_clock(text: str) -> int | None:
    """Minutes after midnight of ``HH:MM`` (00:00 to 24:00), or None if it is not a time."""
    hours, sep, minutes = text.partition(":")
    if not sep or len(minutes) != 2 or not hours.isdigit() or not minutes.isdigit():
        return None
    value = int(hours) * 60 + int(minutes)
    if int(minutes) >= 60 or value > DAY_MINUTES:
        return None
    return value


def format_clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True)
class Schedule:
    """When an office is open: per weekday (Monday = 0) sorted, disjoint minute ranges."""

    zone: ZoneInfo
    week: tuple[tuple[tuple[int, int], ...], ...]
    holidays: frozenset[date]

    @classmethod
    def always(cls) -> Schedule:
        """Every minute of every day (a policy without business hours)."""
        return cls(ZoneInfo("UTC"), tuple(((0, DAY_MINUTES),) for _ in range(7)), frozenset())

    @classmethod
    def from_document(cls, doc: Document) -> Schedule:
        week: list[list[tuple[int, int]]] = [[] for _ in range(7)]
        for interval in doc["intervals"]:
            day = WEEKDAYS.index(Weekday(interval["day"]))
            week[day].append((interval["start"], interval["end"]))
        return cls(
            ZoneInfo(doc["timezone"]),
            tuple(tuple(sorted(day)) for day in week),
            frozenset(date.fromisoformat(d) for d in doc.get("holidays", [])),
        )

    def _open(self, start: datetime) -> Iterator[tuple[datetime, datetime]]:
        """The open spans (UTC) that end after ``start``, in order, clipped to begin no
        earlier than it."""
        if not any(self.week):
            raise NeverOpen("the schedule has no open interval")
        day = start.astimezone(self.zone).date() - timedelta(days=1)
        for _ in range(MAX_DAYS):
            if day not in self.holidays:
                for begin, end in self.week[day.weekday()]:
                    a = _instant(day, begin, self.zone)
                    b = _instant(day, end, self.zone)
                    if b > start:
                        yield max(a, start), b
            day += timedelta(days=1)
        raise NeverOpen(f"no open minute within {MAX_DAYS} days")

    def add(self, start: datetime, minutes: float) -> datetime:
        """The moment ``minutes`` business minutes after ``start``."""
        left = timedelta(minutes=max(minutes, 0.0))
        for a, b in self._open(start):
            if b - a >= left:
                return a + left
            left -= b - a
        raise AssertionError("unreachable: _open raises when it runs out")

    def minutes_between(self, start: datetime, end: datetime) -> float:
        """Business minutes from ``start`` to ``end`` (negative when ``end`` comes first)."""
        if end < start:
            return -self.minutes_between(end, start)
        total = timedelta()
        for a, b in self._open(start):
            if a >= end:
                break
            total += min(b, end) - a
        return total.total_seconds() / 60


def _instant(day: date, minutes: int, zone: ZoneInfo) -> datetime:
    """The instant of a local wall-clock time (24:00 is the next midnight)."""
    wall = datetime.combine(day, time()) + timedelta(minutes=minutes)
    return wall.replace(tzinfo=zone).astimezone(UTC)


def overlaps(intervals: Sequence[tuple[int, int]]) -> bool:
    ordered = sorted(intervals)
    return any(b[0] < a[1] for a, b in itertools.pairwise(ordered))
