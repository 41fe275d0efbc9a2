"""The forecast's calendar: periods start at local midnight (weeks on Monday, months on the
first) in ``CRM_TIMEZONE``, and MongoDB buckets orders into them.

MongoDB's ``$dateTrunc`` takes a ``timezone``; the embedded store refuses it. Both accept the
same expression without one, so the pipeline shifts ``placedAt`` into local time itself: the
zone's offset is constant between its transitions (at most a few a year), and a ``$switch``
over the window's transitions gives each order its offset. ``$dateTrunc`` in UTC of that local
time is the local period start.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from app.forecasting.models import ForecastInterval

UNIT = {ForecastInterval.DAY: "day", ForecastInterval.WEEK: "week", ForecastInterval.MONTH: "month"}


def local(moment: datetime, zone: ZoneInfo) -> datetime:
    """The wall-clock time of an instant, naive."""
    return moment.astimezone(zone).replace(tzinfo=None)


def instant(wall: datetime, zone: ZoneInfo) -> datetime:
    """The UTC instant of a naive wall-clock time."""
    return wall.replace(tzinfo=zone).astimezone(UTC)


def start_of(wall: datetime, interval: ForecastInterval) -> datetime:
    """The start of the period holding a naive wall-clock time."""
    day = wall.replace(hour=0, minute=0, second=0, microsecond=0)
    if interval is ForecastInterval.WEEK:
        return day - timedelta(days=day.weekday())
    if interval is ForecastInterval.MONTH:
        return day.replace(day=1)
    return day


def shift(start: datetime, interval: ForecastInterval, count: int) -> datetime:
    """The start of the period ``count`` periods after the one starting at ``start``."""
    if interval is ForecastInterval.DAY:
        return start + timedelta(days=count)
    if interval is ForecastInterval.WEEK:
        return start + timedelta(weeks=count)
    months = start.year * 12 + start.month - 1 + count
    return start.replace(year=months // 12, month=months % 12 + 1)


def _offset_ms(moment: datetime, zone: ZoneInfo) -> int:
    offset = moment.astimezone(zone).utcoffset() or timedelta(0)
    return int(offset.total_seconds() * 1000)


def transitions(zone: ZoneInfo, since: datetime, until: datetime) -> list[tuple[datetime, int]]:
    """The instants in [since, until) at which the zone's offset changes, each with the offset
    from then on (milliseconds): found a day at a time, then to the second."""
    found = []
    day = since
    while day < until:
        following = min(day + timedelta(days=1), until)
        if _offset_ms(day, zone) != _offset_ms(following, zone):
            low, high = day, following  # the change lies in (low, high]
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                if _offset_ms(middle, zone) == _offset_ms(low, zone):
                    low = middle
                else:
                    high = middle
            found.append((high.replace(microsecond=0), _offset_ms(high, zone)))
        day = following
    return found


def local_time(field: str, zone: ZoneInfo, since: datetime, until: datetime) -> Any:
    """An aggregation expression: the wall-clock time of ``field`` (within [since, until))."""
    changes = transitions(zone, since, until)
    first = _offset_ms(since, zone)
    if not changes:
        return {"$add": [field, first]} if first else field
    branches = []
    offset = first
    for moment, after in changes:
        branches.append({"case": {"$lt": [field, moment]}, "then": offset})
        offset = after
    return {"$add": [field, {"$switch": {"branches": branches, "default": offset}}]}


def truncate(field: str, interval: ForecastInterval, zone: ZoneInfo, since: datetime,
             until: datetime) -> Any:  # fmt: skip
    """An aggregation expression: the local start of ``field``'s period, as a naive date."""
    truncate: dict[str, Any] = {
        "date": local_time(field, zone, since, until),
        "unit": UNIT[interval],
    }
    if interval is ForecastInterval.WEEK:
        truncate["startOfWeek"] = "monday"  # MongoDB reads it for weeks only
    return {"$dateTrunc": truncate}
