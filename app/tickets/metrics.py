"""Ticket metrics, recorded as events happen (the basis of serviceMetrics): each change that
moves a ticket's status, raises its priority or brings the first staff reply adds its fields
to the very update that writes the change, so no metric can be lost to a second write.

Minutes are calendar minutes and business minutes (``Span``: the business minutes between two
moments, on the schedule of the ticket's SLA policy; the workflow chooses it). A ticket stored
before metrics existed has no ``metrics`` field: it stays without, and reports leave it out of
every figure that needs one (unknown is not zero).

- requester wait: minutes in NEW or OPEN, agent wait: minutes in PENDING, added up on every
  status change (solved time counts for neither);
- a solve is a move to RESOLVED or CLOSED from an open status: it sets ``solvedAt`` (the latest
  solve), the full resolution time from creation, and who held the ticket;
- a reopen is a move from RESOLVED back to an open status;
- an escalation is a change that raises the priority or fires an ESCALATE rule action.

A move to RESOLVED also opens the satisfaction survey (``survey``) when the ticket's type is
surveyed, unless rules alone resolved it (a rule set RESOLVED and no staff ever replied); a
reopen withdraws an unanswered one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from app.core.db import Document
from app.tickets.models import PRIORITY_RANK, TicketPriority, TicketStatus

type Span = Callable[[datetime, datetime], float]

S = TicketStatus
DONE = frozenset({S.RESOLVED.value, S.CLOSED.value})
WAITS = {
    S.NEW.value: "requesterWait",
    S.OPEN.value: "requesterWait",
    S.PENDING.value: "agentWait",
}


def new_metrics() -> Document:
    """The metrics of a ticket opened now."""
    return {
        "agentReplies": 0, "reopens": 0, "solves": 0, "escalations": 0, "escalatedAt": None,
        "firstReplyAt": None, "firstReplyMinutes": None, "firstReplyBusinessMinutes": None,
        "solvedAt": None, "resolutionMinutes": None, "resolutionBusinessMinutes": None,
        "requesterWaitMinutes": 0.0, "requesterWaitBusinessMinutes": 0.0,
        "agentWaitMinutes": 0.0, "agentWaitBusinessMinutes": 0.0,
        "assigneeAtSolve": None, "teamAtSolve": None, "resolvedByRule": False,
    }  # fmt: skip


def minutes(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 60


def first_reply(ticket: Document, now: datetime, span: Span) -> dict[str, Any]:
    """The fields the first public staff reply sets (none on a ticket without metrics)."""
    if ticket.get("metrics") is None:
        return {}
    created = ticket["createdAt"]
    return {
        "metrics.firstReplyAt": now,
        "metrics.firstReplyMinutes": minutes(created, now),
        "metrics.firstReplyBusinessMinutes": span(created, now),
    }


def recorded(
    ticket: Document,
    changes: dict[str, Any],
    now: datetime,
    span: Span,
    surveyed: frozenset[str],
    *,
    by_rule: bool,
    escalated: bool = False,
) -> dict[str, Any]:
    """The ``$set`` fields (dotted paths, so concurrent counters are left alone) that record
    ``changes`` to ``ticket`` (as read: the write is guarded by it) at ``now``. ``by_rule``:
    a rule made the status change; ``surveyed``: the ticket types surveyed on resolution."""
    out: dict[str, Any] = {}
    metrics = ticket.get("metrics")
    old, new = ticket["status"], changes.get("status", ticket["status"])
    raised = (
        PRIORITY_RANK[TicketPriority(changes.get("priority", ticket["priority"]))]
        > (PRIORITY_RANK[TicketPriority(ticket["priority"])])
    )
    if metrics is not None and (escalated or raised):
        out["metrics.escalations"] = metrics["escalations"] + 1
        if metrics["escalatedAt"] is None:
            out["metrics.escalatedAt"] = now
    if new == old:
        return out
    rules_only = by_rule and ticket.get("firstResponseAt") is None
    survey = ticket.get("survey") or {}
    if new == S.RESOLVED.value and old not in DONE and ticket["type"] in surveyed:
        if not rules_only:
            out["survey"] = {"openedAt": now, "open": True, "answeredAt": None}
    elif old in DONE and new not in DONE and survey.get("open"):
        out["survey.open"] = False  # reopened before the customer answered
    if metrics is None:
        return out
    wait = WAITS.get(old)
    if wait is not None:
        since = ticket["statusChangedAt"]
        out[f"metrics.{wait}Minutes"] = metrics[f"{wait}Minutes"] + minutes(since, now)
        business = metrics[f"{wait}BusinessMinutes"] + span(since, now)
        out[f"metrics.{wait}BusinessMinutes"] = business
    if new in DONE and old not in DONE:
        created = ticket["createdAt"]
        out.update({
            "metrics.solves": metrics["solves"] + 1,
            "metrics.solvedAt": now,
            "metrics.resolutionMinutes": minutes(created, now),
            "metrics.resolutionBusinessMinutes": span(created, now),
            "metrics.assigneeAtSolve": changes.get("assigneeId", ticket.get("assigneeId")),
            "metrics.teamAtSolve": changes.get("teamId", ticket.get("teamId")),
            "metrics.resolvedByRule": rules_only,
        })  # fmt: skip
    elif old in DONE and new not in DONE:
        out["metrics.reopens"] = metrics["reopens"] + 1
    return out


def applied(document: Document, fields: dict[str, Any]) -> Document:
    """``document`` with ``$set`` fields (dotted paths one level deep) applied, for an insert."""
    result = {**document}
    for path, value in fields.items():
        head, _, rest = path.partition(".")
        if rest:
            result[head] = {**(result.get(head) or {}), rest: value}
        else:
            result[head] = value
    return result
