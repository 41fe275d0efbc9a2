"""Business hours and SLA clocks, computed by hand: a weekend, a holiday, two time zones, a
daylight-saving change and a PENDING pause."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from bson import ObjectId

from app.workflow import sla
from app.workflow.hours import NeverOpen, Schedule

NEW_YORK = {
    "timezone": "America/New_York",
    "intervals": [{"day": d, "start": 9 * 60, "end": 17 * 60}
                  for d in ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY")],
    "holidays": ["2026-12-25"],
}  # fmt: skip
SHANGHAI = {
    "timezone": "Asia/Shanghai",
    "intervals": [{"day": d, "start": 9 * 60, "end": 18 * 60}
                  for d in ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY")],
    "holidays": ["2027-01-01"],
}  # fmt: skip


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_a_clock_skips_the_evening_a_holiday_and_the_weekend() -> None:
    office = Schedule.from_document(NEW_YORK)
    # Thu 24 Dec 2026, 16:00 in New York (EST, UTC-5): one business hour left that day; Fri 25
    # is a holiday, then the weekend; Mon 28 opens at 09:00 EST = 14:00 UTC.
    start = utc(2026, 12, 24, 21)
    assert office.add(start, 60) == utc(2026, 12, 24, 22)  # 17:00 EST
    assert office.add(start, 120) == utc(2026, 12, 28, 15)  # Mon 10:00 EST
    assert office.minutes_between(start, utc(2026, 12, 28, 15)) == 120
    # A start outside hours begins at the next opening: Sat 26 -> Mon 09:00.
    assert office.add(utc(2026, 12, 26, 12), 30) == utc(2026, 12, 28, 14, 30)
    assert office.minutes_between(utc(2026, 12, 28, 15), start) == -120


def test_the_same_moment_in_another_office_counts_other_hours() -> None:
    office = Schedule.from_document(SHANGHAI)
    # 21:00 UTC on Thu 24 Dec is 05:00 on Fri 25 in Shanghai (UTC+8, no holiday there): the
    # office opens at 09:00 CST = 01:00 UTC, and 120 minutes later it is 03:00 UTC.
    assert office.add(utc(2026, 12, 24, 21), 120) == utc(2026, 12, 25, 3)
    # Its own holiday: Thu 31 Dec 17:00 CST + 2 h -> 1 h left, Fri 1 Jan closed, weekend,
    # Mon 4 Jan 10:00 CST = 02:00 UTC.
    assert office.add(utc(2026, 12, 31, 9), 120) == utc(2027, 1, 4, 2)


def test_a_clock_across_the_daylight_saving_change_counts_open_hours() -> None:
    office = Schedule.from_document(NEW_YORK)
    # Fri 6 Mar 2027 16:00 EST (21:00 UTC); on Sun 14 Mar clocks go forward, but 9 days on
    # the count is still in business hours: Mon 8 Mar opens 14:00 UTC (EST).
    assert office.add(utc(2027, 3, 5, 21), 120) == utc(2027, 3, 8, 15)
    # Fri 12 Mar 16:00 EST + 2 h -> Mon 15 Mar 10:00 EDT (UTC-4) = 14:00 UTC.
    assert office.add(utc(2027, 3, 12, 21), 120) == utc(2027, 3, 15, 14)


def test_a_schedule_that_never_opens_is_refused() -> None:
    with pytest.raises(NeverOpen):
        Schedule.from_document({**NEW_YORK, "intervals": []}).add(utc(2026, 12, 1), 1)


POLICY = {
    "_id": ObjectId(),
    "targets": [{"priority": "NORMAL", "firstReplyMinutes": 120, "resolutionMinutes": 480}],
    "pauseOn": ["PENDING"],
}


def ticket(created: datetime, **fields: object) -> dict[str, object]:
    return {"createdAt": created, "priority": "NORMAL", "status": "NEW", "firstResponseAt": None,
            "lastCustomerMessageAt": created, "lastAgentReplyAt": None, **fields}  # fmt: skip


def test_a_pending_pause_moves_the_due_dates_by_the_business_minutes_paused() -> None:
    clock = sla.Clock(POLICY, Schedule.from_document(NEW_YORK))
    created = utc(2026, 12, 21, 14)  # Mon 09:00 EST
    state = sla.advance(None, clock, None, ticket(created), created)
    assert state is not None
    assert state["status"] == "ACTIVE"
    assert state["metrics"]["FIRST_REPLY"]["dueAt"] == utc(2026, 12, 21, 16)  # 11:00 EST
    assert state["metrics"]["RESOLUTION"]["dueAt"] == utc(2026, 12, 21, 22)  # 17:00 EST

    # Waiting on the customer from 10:00 to 15:30 EST: 330 business minutes paused.
    paused_at = utc(2026, 12, 21, 15)
    before = ticket(created)
    state = sla.advance(state, clock, before, ticket(created, status="PENDING"), paused_at)
    assert state is not None
    assert (state["status"], state["dueAt"]) == ("PAUSED", None)
    resumed_at = utc(2026, 12, 21, 20, 30)
    pending = ticket(created, status="PENDING")
    state = sla.advance(state, clock, pending, ticket(created, status="OPEN"), resumed_at)
    assert state is not None
    assert state["status"] == "ACTIVE"
    # Due = created + target + 330 business minutes. First reply: 09:00 + 450 min = 16:30 EST.
    # Resolution: 810 minutes = all of Monday (480) and 330 of Tuesday: Tue 14:30 EST.
    assert state["metrics"]["FIRST_REPLY"]["dueAt"] == utc(2026, 12, 21, 21, 30)
    assert state["metrics"]["RESOLUTION"]["dueAt"] == utc(2026, 12, 22, 19, 30)
    assert state["dueAt"] == utc(2026, 12, 21, 21, 30)


def test_targets_missed_are_breaches_once_and_met_ones_are_hits() -> None:
    clock = sla.Clock(POLICY, Schedule.always())
    created = utc(2026, 12, 21, 9)
    state = sla.advance(None, clock, None, ticket(created), created)
    assert state is not None
    late = created + timedelta(hours=3)
    # Read three hours on (no sweep yet): the reader sees the first reply missed.
    seen = sla.as_of(state, late)
    assert seen["status"] == "MISSED"
    assert seen["breaches"] == [{"metric": "FIRST_REPLY", "at": created + timedelta(hours=2)}]
    replied = ticket(created, firstResponseAt=late, lastAgentReplyAt=late)
    state = sla.advance(state, clock, ticket(created), replied, late)
    assert state is not None
    state = sla.advance(state, clock, replied, replied, late + timedelta(minutes=5))
    assert state is not None
    assert state["breaches"] == [{"metric": "FIRST_REPLY", "at": created + timedelta(hours=2)}]
    resolved = {**replied, "status": "RESOLVED", "resolvedAt": late}
    state = sla.advance(state, clock, replied, resolved, late)
    assert state is not None
    assert state["status"] == "MISSED"
    # A ticket answered and resolved in time is a HIT.
    fast = ticket(created, firstResponseAt=created + timedelta(minutes=5), status="RESOLVED",
                  resolvedAt=created + timedelta(hours=1))  # fmt: skip
    hit = sla.advance(None, clock, None, fast, created + timedelta(hours=1))
    assert hit is not None
    assert (hit["status"], hit["breaches"], hit["dueAt"]) == ("HIT", [], None)
