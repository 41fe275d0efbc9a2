"""Ticket metrics as changes record them, worked out by hand on a fixed clock and business
hours (Mon-Fri 09:00-17:00 UTC): requester wait without PENDING, agent wait, a solve, a
reopen, an escalation; a ticket from before metrics gets none."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bson import ObjectId

from app.tickets.metrics import applied, first_reply, new_metrics, recorded
from app.workflow.hours import Schedule

OFFICE = Schedule(ZoneInfo("UTC"), tuple([((540, 1020),)] * 5 + [(), ()]), frozenset())
BUSINESS = OFFICE.minutes_between
SURVEYED = frozenset({"COMPLAINT"})
FRIDAY_16 = datetime(2026, 3, 6, 16, tzinfo=UTC)


def step(ticket: dict[str, Any], minutes: float, **changes: Any) -> dict[str, Any]:
    """``ticket`` after ``changes`` made ``minutes`` after its last status change."""
    now = ticket["statusChangedAt"] + timedelta(minutes=minutes)
    if "status" in changes:
        changes["statusChangedAt"] = now
    fields = recorded(ticket, changes, now, BUSINESS, SURVEYED, by_rule=False)
    return applied({**ticket, **changes}, fields)


def new_ticket(**fields: Any) -> dict[str, Any]:
    return {
        "type": "COMPLAINT", "status": "NEW", "priority": "NORMAL", "createdAt": FRIDAY_16,
        "statusChangedAt": FRIDAY_16, "firstResponseAt": None, "assigneeId": None,
        "teamId": None, "metrics": new_metrics(), **fields,
    }  # fmt: skip


def test_requester_wait_leaves_out_pending_and_a_solve_records_the_resolution() -> None:
    ticket = new_ticket()
    ticket = step(ticket, 30, status="OPEN")  # Fri 16:30: 30 minutes waiting, all business
    ticket = step(ticket, 60, status="PENDING")  # Fri 17:30: 90 waiting, 60 of them business
    ticket = step(ticket, 3 * 24 * 60, status="OPEN")  # Mon 17:30 back from PENDING
    agent = ObjectId()
    ticket = step(ticket, 16 * 60, status="RESOLVED", assigneeId=agent)  # Tue 09:30
    m = ticket["metrics"]
    assert (m["requesterWaitMinutes"], m["requesterWaitBusinessMinutes"]) == (90 + 960, 60 + 30)
    # PENDING from Fri 17:30 to Mon 17:30: 4320 minutes, of which Monday's 480 are business.
    assert (m["agentWaitMinutes"], m["agentWaitBusinessMinutes"]) == (4320, 480)
    resolved_at = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
    assert m["solvedAt"] == resolved_at
    assert m["resolutionMinutes"] == (resolved_at - FRIDAY_16).total_seconds() / 60
    assert m["resolutionBusinessMinutes"] == 60 + 480 + 30  # Fri 16-17, Mon, Tue 09-09:30
    assert (m["solves"], m["assigneeAtSolve"], m["resolvedByRule"]) == (1, agent, False)
    assert ticket["survey"]["open"] is True  # a complaint, resolved by a person

    reopened = step(ticket, 60, status="OPEN")
    assert reopened["metrics"]["reopens"] == 1
    assert reopened["survey"]["open"] is False  # withdrawn before an answer
    # Resolved time is neither wait; the second solve is the latest.
    again = step(reopened, 30, status="RESOLVED")
    assert again["metrics"]["requesterWaitMinutes"] == 90 + 960 + 30
    assert again["metrics"]["solves"] == 2
    assert again["survey"]["openedAt"] > ticket["survey"]["openedAt"]


def test_first_reply_times_and_escalations() -> None:
    ticket = new_ticket()
    replied_at = FRIDAY_16 + timedelta(days=3)  # Monday 16:00
    assert first_reply(ticket, replied_at, BUSINESS) == {
        "metrics.firstReplyAt": replied_at,
        "metrics.firstReplyMinutes": 3 * 24 * 60,
        "metrics.firstReplyBusinessMinutes": 60 + 420,
    }
    raised = recorded(ticket, {"priority": "HIGH"}, FRIDAY_16, BUSINESS, SURVEYED, by_rule=False)
    assert raised == {"metrics.escalations": 1, "metrics.escalatedAt": FRIDAY_16}
    lowered = recorded(ticket, {"priority": "LOW"}, FRIDAY_16, BUSINESS, SURVEYED, by_rule=False)
    assert lowered == {}


def test_rules_alone_open_no_survey_and_old_tickets_get_no_metrics() -> None:
    by_rule = recorded(new_ticket(), {"status": "RESOLVED"}, FRIDAY_16, BUSINESS, SURVEYED,
                       by_rule=True)  # fmt: skip
    assert by_rule["metrics.resolvedByRule"] is True
    assert "survey" not in by_rule
    answered = new_ticket(firstResponseAt=FRIDAY_16)
    after_reply = recorded(answered, {"status": "RESOLVED"}, FRIDAY_16, BUSINESS, SURVEYED,
                           by_rule=True)  # fmt: skip
    assert after_reply["metrics.resolvedByRule"] is False
    assert after_reply["survey"]["open"] is True
    legacy = {**new_ticket(), "metrics": None}
    changes = {"status": "RESOLVED", "priority": "URGENT"}
    fields = recorded(legacy, changes, FRIDAY_16, BUSINESS, SURVEYED, by_rule=False)
    assert list(fields) == ["survey"]  # surveyed like any ticket; no metrics started
    assert first_reply(legacy, FRIDAY_16, BUSINESS) == {}
    feedback = new_ticket(type="FEEDBACK")
    assert "survey" not in recorded(feedback, {"status": "RESOLVED"}, FRIDAY_16, BUSINESS,
                                    SURVEYED, by_rule=False)  # fmt: skip
