"""The demo desk's past: what the desk would have recorded on the demo's tickets as they were
answered and solved, so that ``serviceMetrics`` and ``complaintReport`` tell a story on a
fresh ``make run``.

Each demo ticket gets its metrics from its own timeline (first reply, solve; business minutes
on the office hours of the SLA policy that applies to it, whose outcome it gets too), a
solved one the agent of its team who solved it, and a surveyed one its survey; about half of
those are answered, the rating following how long the customer waited and what they came for
(complaints are rated lower, slow answers lower still), with a comment in their language,
tagged by the tagger like any customer text; a complaint that waited more than half a business
day for its first reply was escalated.
"""

from __future__ import annotations

import random

from bson import ObjectId

from app.core.db import Document, MongoDatabase
from app.tickets.metrics import minutes, new_metrics
from app.tickets.models import TicketStatus, TicketType
from app.tickets.repository import TicketRepository
from app.workflow import sla
from app.workflow.conditions import Facts, matches
from app.workflow.models import RuleEvent
from app.workflow.repository import AgentRepository
from app.workflow.satisfaction import tag_comments
from app.workflow.setup import DEFAULT_SURVEY_TYPES, Setup, load_setup

MAX_TICKETS = 5000  # per status; the demo has hundreds
ESCALATE_AFTER = 240  # business minutes a complaint waits for its first reply before escalation
COMMENTS = {
    "en": {
        5: ["Quick and friendly, thank you!", "Sorted in minutes, great service."],
        4: ["Good answer, took a little while.", "Helpful, thanks."],
        3: ["Fine in the end, but I had to wait.", "OK, the app still crashes sometimes."],
        2: ["Too slow, I waited two days for a reply.", "The refund took far too long."],
        1: ["Nobody answered for days, very disappointed.", "Still broken, terrible support."],
    },
    "zh": {
        5: ["客服很快就解决了，非常满意！", "回复及时，态度很好。"],
        4: ["问题解决了，就是稍微慢了点。", "挺好的，谢谢。"],
        3: ["还行吧，等了挺久。", "一般，app还是偶尔闪退。"],
        2: ["太慢了，等了两天才回复。", "退款拖了很久。"],
        1: ["好几天没人回复，很失望。", "问题还是没解决，服务太差了。"],
    },
}


async def service_history(db: MongoDatabase, seed: int = 7) -> dict[str, int]:
    """Record the demo tickets' metrics, SLA outcomes, solvers and surveys."""
    rng = random.Random(seed)
    setup = await load_setup(db, (RuleEvent.TICKET_CREATED,))
    agents = await AgentRepository(db).collection.find({}).sort("name", 1).to_list()
    tickets = TicketRepository(db)
    solved = []
    for status in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
        solved += await tickets.in_status(status.value, MAX_TICKETS)
    rows: list[tuple[ObjectId, Document]] = []
    ratings: list[Document] = []
    for ticket in solved:
        changes = _solved(ticket, setup, agents, rng)
        rating = _rating(ticket, changes, rng)
        if rating is not None:
            ratings.append(rating)
            changes["satisfaction"], changes["ratings"] = rating, [rating]
        rows.append((ticket["_id"], changes))
    tagged = await tag_comments(db, [rating["comment"] for rating in ratings])
    for rating, found in zip(ratings, tagged, strict=True):
        rating.update(found)
    await tickets.set_many(rows)
    return {"solved tickets with metrics": len(rows), "rated tickets": len(ratings)}


def _solved(ticket: Document, setup: Setup, agents: list[Document], rng: random.Random) -> Document:
    created, solved = ticket["createdAt"], ticket.get("resolvedAt") or ticket["updatedAt"]
    replied = ticket.get("firstResponseAt")
    clock = _clock(ticket, setup)
    schedule = clock.schedule if clock else setup.schedule_of(None)
    metrics = new_metrics()
    staff = [m for m in ticket.get("messages") or [] if not m["internal"] and not m["fromCustomer"]]
    metrics.update(
        agentReplies=len(staff),
        solves=1,
        solvedAt=solved,
        resolutionMinutes=minutes(created, solved),
        resolutionBusinessMinutes=schedule.minutes_between(created, solved),
        requesterWaitMinutes=minutes(created, solved),  # never PENDING, in the demo's stories
        requesterWaitBusinessMinutes=schedule.minutes_between(created, solved),
    )
    if replied is not None:
        metrics.update(
            firstReplyAt=replied,
            firstReplyMinutes=minutes(created, replied),
            firstReplyBusinessMinutes=schedule.minutes_between(created, replied),
        )
    if (
        ticket["type"] == TicketType.COMPLAINT.value
        and (metrics["firstReplyBusinessMinutes"] or 0) > ESCALATE_AFTER
    ):
        # Unanswered for half a business day: the team lead was called in.
        metrics.update(escalations=1, escalatedAt=schedule.add(created, ESCALATE_AFTER))
    language = ticket.get("language") or "en"
    team = [a for a in agents if language in a.get("languages", [])] or agents
    changes: Document = {"metrics": metrics}
    if team:
        agent = rng.choice(team)
        team_id = (agent.get("teamIds") or [None])[0]
        metrics.update(assigneeAtSolve=agent["_id"], teamAtSolve=team_id)
        changes.update(assigneeId=agent["_id"], teamId=team_id)
    state = sla.advance(None, clock, None, ticket, solved)
    if state is not None:
        changes["sla"] = state
    if ticket["type"] in DEFAULT_SURVEY_TYPES:
        changes["survey"] = {"openedAt": solved, "open": True, "answeredAt": None}
    return changes


def _clock(ticket: Document, setup: Setup) -> sla.Clock | None:
    """The first SLA policy whose conditions the ticket meets (as the workflow chooses)."""
    facts = Facts(ticket=ticket, before=None, now=ticket["createdAt"], customer=None,
                  segment=None, schedule=setup.schedule_of(None))  # fmt: skip
    for policy in setup.policies:
        if matches(policy["conditions"], facts):
            return sla.Clock(policy, setup.schedule_of(policy))
    return None


def _rating(ticket: Document, changes: Document, rng: random.Random) -> Document | None:
    """About half the surveys answered: five stars less for a complaint, less for each day
    the customer waited."""
    survey = changes.get("survey")
    if survey is None or rng.random() > 0.5:
        return None
    days = changes["metrics"]["resolutionMinutes"] / 1440
    base = 4.6 - (1.2 if ticket["type"] == TicketType.COMPLAINT.value else 0) - 0.8 * days
    stars = max(1, min(5, round(base + rng.gauss(0, 0.7))))
    language = "zh" if ticket.get("language") == "zh" else "en"
    answered = survey["openedAt"] + (changes["metrics"]["solvedAt"] - ticket["createdAt"]) / 4
    survey.update(open=False, answeredAt=answered)
    return {
        "rating": stars,
        "comment": rng.choice(COMMENTS[language][stars]) if rng.random() < 0.7 else None,
        "at": answered,
        "surveyOpenedAt": survey["openedAt"],
        "via": "CUSTOMER",
        "recordedBy": None,
    }
