"""SLA clocks on a ticket: which targets apply, when each falls due in business minutes, the
pauses, and the breaches.

Each metric keeps when its clock started, the business minutes it has been paused, and when it
was met; its due moment is then ``start + target + paused`` business minutes. That one rule
covers a priority change (a new target), a pause (the paused minutes grow) and a reopened
ticket (the time it spent resolved counts as paused).

- FIRST_REPLY runs from the ticket's creation to the first public staff reply.
- NEXT_REPLY runs from a customer message that follows a staff reply to the next staff reply.
- RESOLUTION runs from creation to RESOLVED or CLOSED; resolving also ends pending replies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.core.db import Document
from app.tickets.models import TicketStatus
from app.workflow.hours import Schedule
from app.workflow.models import SlaMetric, SlaStatus

M = SlaMetric
TARGET_KEYS = {
    M.FIRST_REPLY: "firstReplyMinutes",
    M.NEXT_REPLY: "nextReplyMinutes",
    M.RESOLUTION: "resolutionMinutes",
}
DONE = frozenset({TicketStatus.RESOLVED.value, TicketStatus.CLOSED.value})


@dataclass(frozen=True)
class Clock:
    """The policy in force and the schedule its minutes count on."""

    policy: Document
    schedule: Schedule
    by_rule: bool = False

    def targets(self, priority: str) -> dict[SlaMetric, float]:
        for row in self.policy["targets"]:
            if row["priority"] == priority:
                return {m: row[k] for m, k in TARGET_KEYS.items() if row.get(k) is not None}
        return {}


def _new_metric(started: datetime | None, target: float, met: datetime | None) -> Document:
    return {"startedAt": started, "target": target, "pausedMinutes": 0.0, "metAt": met,
            "dueAt": None}  # fmt: skip


def advance(
    sla: Document | None, clock: Clock | None, before: Document | None, ticket: Document,
    now: datetime,
) -> Document | None:  # fmt: skip
    """The ticket's SLA state after a change from ``before`` to ``ticket`` at ``now``
    (``clock``: the policy now in force, None to keep none)."""
    if clock is None:
        return None
    schedule = clock.schedule
    fresh = sla is None or sla.get("policyId") != clock.policy["_id"]
    state: Document = {
        "policyId": clock.policy["_id"],
        "byRule": clock.by_rule or bool(sla and not fresh and sla.get("byRule")),
        "metrics": {} if fresh or sla is None else {k: dict(v) for k, v in sla["metrics"].items()},
        "breaches": [] if fresh or sla is None else list(sla.get("breaches", [])),
        "pausedAt": None if fresh or sla is None else sla.get("pausedAt"),
    }
    metrics: dict[str, Document] = state["metrics"]
    targets = clock.targets(ticket["priority"])
    status = ticket["status"]
    # Targets of the current priority; a metric the policy no longer sets is dropped.
    for name in list(metrics):
        if SlaMetric(name) not in targets:
            del metrics[name]
    for metric, target in targets.items():
        if metric.value in metrics:
            metrics[metric.value]["target"] = target
        elif metric is M.FIRST_REPLY:
            metrics[metric.value] = _new_metric(
                ticket["createdAt"], target, ticket.get("firstResponseAt")
            )
        elif metric is M.RESOLUTION:
            done = ticket.get("resolvedAt") or now if status in DONE else None
            metrics[metric.value] = _new_metric(ticket["createdAt"], target, done)
        else:
            metrics[metric.value] = _new_metric(None, target, None)

    # Record what fell due before this change, then apply the change.
    _due_and_breaches(state, schedule, now)
    paused_on = set(clock.policy.get("pauseOn") or [])
    was_paused = state["pausedAt"] is not None
    if was_paused and status not in paused_on:
        elapsed = schedule.minutes_between(state["pausedAt"], now)
        for m in metrics.values():
            if m["metAt"] is None and m["startedAt"] is not None:
                m["pausedMinutes"] += elapsed
        state["pausedAt"] = None
    _events(metrics, before, ticket, schedule, now)
    if status in paused_on and status not in DONE and state["pausedAt"] is None:
        state["pausedAt"] = now
    _due_and_breaches(state, schedule, now)
    state["status"] = _status(state).value
    pending = [m["dueAt"] for m in metrics.values() if m["metAt"] is None and m["dueAt"]]
    state["dueAt"] = min(pending) if pending else None
    stored: Document = _stored(state)
    return stored


def _stored(value: Any) -> Any:
    """Times at BSON's millisecond precision, so a state read back equals one recomputed."""
    if isinstance(value, datetime):
        return value.replace(microsecond=value.microsecond // 1000 * 1000)
    if isinstance(value, dict):
        return {k: _stored(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_stored(v) for v in value]
    return value


def _events(
    metrics: dict[str, Document], before: Document | None, ticket: Document,
    schedule: Schedule, now: datetime,
) -> None:  # fmt: skip
    first = metrics.get(M.FIRST_REPLY.value)
    if first is not None and first["metAt"] is None and ticket.get("firstResponseAt"):
        first["metAt"] = ticket["firstResponseAt"]
    nxt = metrics.get(M.NEXT_REPLY.value)
    replied = ticket.get("lastAgentReplyAt")
    asked = ticket.get("lastCustomerMessageAt")
    if nxt is not None:
        if (
            nxt["startedAt"] is not None
            and nxt["metAt"] is None
            and replied
            and (replied >= nxt["startedAt"])
        ):
            nxt["metAt"] = replied
        answered_once = ticket.get("firstResponseAt") is not None
        if (
            answered_once
            and asked
            and (replied is None or asked > replied)
            and (nxt["startedAt"] is None or nxt["metAt"] is not None)
        ):
            # A new customer message after our reply starts the next-reply clock again.
            nxt.update(startedAt=asked, pausedMinutes=0.0, metAt=None, dueAt=None)
    status, previous = ticket["status"], (before or {}).get("status")
    resolution = metrics.get(M.RESOLUTION.value)
    if status in DONE:
        for m in metrics.values():
            if m["metAt"] is None and m["startedAt"] is not None:
                m["metAt"] = now
    elif previous in DONE and resolution is not None and resolution["metAt"] is not None:
        # Reopened: the resolution clock runs on; the time spent resolved does not count.
        resolution["pausedMinutes"] += schedule.minutes_between(resolution["metAt"], now)
        resolution["metAt"] = None


def _due_and_breaches(state: Document, schedule: Schedule, now: datetime) -> None:
    breached = {b["metric"] for b in state["breaches"]}
    for name, m in state["metrics"].items():
        if m["startedAt"] is None or (state["pausedAt"] is not None and m["metAt"] is None):
            m["dueAt"] = None  # not started, or stopped while paused
            continue
        m["dueAt"] = schedule.add(m["startedAt"], m["target"] + m["pausedMinutes"])
        ended = m["metAt"] or now
        if ended > m["dueAt"] and name not in breached:
            state["breaches"].append({"metric": name, "at": m["dueAt"]})
            breached.add(name)


def _status(state: Document) -> SlaStatus:
    if state["breaches"]:
        return SlaStatus.MISSED
    pending = any(m["metAt"] is None and m["startedAt"] for m in state["metrics"].values())
    if pending and state["pausedAt"] is not None:
        return SlaStatus.PAUSED
    return SlaStatus.ACTIVE if pending else SlaStatus.HIT


def as_of(sla: Document, now: datetime) -> Document:
    """The state as a reader sees it at ``now``: a target that fell due since the last write
    is a breach already (the sweep records it within minutes)."""
    breaches = list(sla.get("breaches", []))
    breached = {b["metric"] for b in breaches}
    late = [
        {"metric": name, "at": m["dueAt"]}
        for name, m in sla["metrics"].items()
        if m["metAt"] is None and m.get("dueAt") and m["dueAt"] < now and name not in breached
        and sla.get("pausedAt") is None
    ]  # fmt: skip
    if not late:
        return sla
    return {**sla, "breaches": breaches + late, "status": SlaStatus.MISSED.value}
