"""Checking and writing business hours and SLA policies."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bson import ObjectId

from app.core.db import Document
from app.core.errors import ErrorCode, InputError
from app.core.validation import Checker
from app.tickets.models import TicketPriority, TicketStatus
from app.workflow.checks import (
    Checks,
    check_conditions,
    now_utc,
    plain,
    ref,
)
from app.workflow.hours import DAY_MINUTES, NeverOpen, Schedule, overlaps, parse_clock

MAX_TARGET_MINUTES = 366 * 24 * 60
MAX_HOLIDAYS = 1000
PAUSABLE = (TicketStatus.NEW.value, TicketStatus.OPEN.value, TicketStatus.PENDING.value)


class PolicyChecks(Checks):
    """Business hours and SLA policies."""

    async def hours_document(self, values: dict[str, Any], current: Document | None) -> Document:
        check = Checker()
        base = current or {}
        doc: Document = {}
        if "name" in values or current is None:
            doc["name"] = check.text("name", values.get("name"), required=True, max_length=120)
        if "timezone" in values or current is None:
            zone = (values.get("timezone") or "").strip()
            try:
                ZoneInfo(zone)
            except (ZoneInfoNotFoundError, ValueError):
                check.add(
                    "timezone", ErrorCode.INVALID, f"{zone!r} is not an IANA time zone."[:200]
                )
            doc["timezone"] = zone
        if "intervals" in values or current is None:
            doc["intervals"] = _intervals(check, values.get("intervals") or [])
        if "holidays" in values:
            holidays: list[date] = values.get("holidays") or []
            if len(holidays) > MAX_HOLIDAYS:
                check.add("holidays", ErrorCode.OUT_OF_RANGE, f"At most {MAX_HOLIDAYS} holidays.")
            doc["holidays"] = sorted({d.isoformat() for d in holidays})
        elif current is None:
            doc["holidays"] = []
        check.raise_if_any()
        kept = ("name", "timezone", "intervals", "holidays")
        merged = {**{k: base[k] for k in kept if k in base}, **doc}
        try:
            Schedule.from_document(merged).add(now_utc(), 1)
        except NeverOpen as error:
            raise InputError.one(
                "holidays", ErrorCode.INVALID, "The holidays leave no open hour for 10 years."
            ) from error
        return merged

    async def create_hours(self, values: dict[str, Any]) -> Document:
        return await self.add(self.hours, await self.hours_document(values, None))

    async def update_hours(self, hours_id: ObjectId, values: dict[str, Any]) -> Document:
        current = await self.current(self.hours, hours_id, "business hours")
        doc = await self.hours_document(values, current)
        return await self.change(self.hours, hours_id, doc, "business hours")

    async def policy_document(self, values: dict[str, Any], current: Document | None) -> Document:
        check = Checker()
        doc: Document = {}
        if "name" in values or current is None:
            doc["name"] = check.text("name", values.get("name"), required=True, max_length=120)
        if "conditions" in values or current is None:
            doc["conditions"] = check_conditions(
                check, "conditions", plain(values.get("conditions")), ref
            )
            await self.check_refs(check, "conditions", doc["conditions"])
        if "targets" in values or current is None:
            doc["targets"] = _targets(check, values.get("targets") or [])
        if "business_hours_id" in values:
            hours_id = values["business_hours_id"]
            if hours_id is not None and await self.hours.get(hours_id) is None:
                check.add("businessHoursId", ErrorCode.NOT_FOUND, "No business hours have this ID.")
            doc["businessHoursId"] = hours_id
        elif current is None:
            doc["businessHoursId"] = None
        if values.get("pause_on") is not None or current is None:
            pause = [s.value for s in values.get("pause_on") or [TicketStatus.PENDING]]
            for index, status in enumerate(pause):
                if status not in PAUSABLE:
                    check.add(
                        f"pauseOn.{index}", ErrorCode.INVALID,
                        "Clocks pause on NEW, OPEN or PENDING; RESOLVED and CLOSED stop them.",
                    )  # fmt: skip
            doc["pauseOn"] = list(dict.fromkeys(pause))
        check.raise_if_any()
        return doc

    async def create_policy(self, values: dict[str, Any]) -> Document:
        doc = await self.policy_document(values, None)
        return await self.add(self.policies, doc, values.get("position"), ordered=True)

    async def update_policy(self, policy_id: ObjectId, values: dict[str, Any]) -> Document:
        current = await self.current(self.policies, policy_id, "SLA policy")
        doc = await self.policy_document(values, current)
        return await self.change(
            self.policies, policy_id, doc, "SLA policy", values.get("position")
        )


def _intervals(check: Checker, intervals: list[Any]) -> list[Document]:
    if not intervals:
        check.add("intervals", ErrorCode.REQUIRED, "Business hours need at least one interval.")
    by_day: dict[str, list[tuple[int, int]]] = {}
    checked = []
    for index, interval in enumerate(intervals):
        start, end = parse_clock(interval.start), parse_clock(interval.end)
        path = f"intervals.{index}"
        if start is None or end is None:
            check.add(path, ErrorCode.INVALID, "Times are HH:MM, from 00:00 to 24:00.")
            continue
        if start >= end or end > DAY_MINUTES:
            check.add(path, ErrorCode.INVALID, "An interval ends after it starts, within its day.")
            continue
        by_day.setdefault(interval.day.value, []).append((start, end))
        checked.append({"day": interval.day.value, "start": start, "end": end})
    for day, spans in by_day.items():
        if overlaps(spans):
            check.add("intervals", ErrorCode.INVALID, f"Intervals on {day} overlap.")
    return checked


def _targets(check: Checker, targets: list[Any]) -> list[Document]:
    if not targets:
        check.add("targets", ErrorCode.REQUIRED, "A policy has at least one target.")
    seen: set[str] = set()
    checked = []
    for index, target in enumerate(targets):
        priority: TicketPriority = target.priority
        if priority.value in seen:
            check.add(f"targets.{index}.priority", ErrorCode.DUPLICATE, "One target per priority.")
        seen.add(priority.value)
        row: Document = {"priority": priority.value}
        for key in ("first_reply_minutes", "next_reply_minutes", "resolution_minutes"):
            value = getattr(target, key)
            camel = _camel(key)
            if value is not None and not 1 <= value <= MAX_TARGET_MINUTES:
                check.add(
                    f"targets.{index}.{camel}", ErrorCode.OUT_OF_RANGE,
                    f"A target is 1 to {MAX_TARGET_MINUTES} minutes.",
                )  # fmt: skip
            row[camel] = value
        if all(row[_camel(k)] is None for k in ("first_reply_minutes", "next_reply_minutes",
                                                 "resolution_minutes")):  # fmt: skip
            check.add(f"targets.{index}", ErrorCode.REQUIRED, "A target sets some minutes.")
        checked.append(row)
    return checked


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part.title() for part in rest)
