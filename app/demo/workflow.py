"""The demo's service desk: two offices (New York and Shanghai, with their holidays), agents
in the support and the Chinese team, a Chinese-hours SLA policy beside the default ones, and
the demo's open tickets run through the workflow as if they had just arrived and been tagged,
so the default rules fire and tickets show every SLA state. The customers are segmented first
(in this process), so "complaints from top customers" has a top segment to look at.

Which demo tickets are still open, and for how long, depends on the day the demo is made, and
business hours do not pass on a Sunday night or over a holiday: so a few tickets arrive as the
demo runs that show what the desk does whatever the day. One consultation has been waiting for
an answer for 6 of the New York office's business hours (the first sweep escalates it), and one
the desk has put back to the customer is PENDING (its clocks are paused).
"""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime, timedelta

from app.core.db import MongoDatabase
from app.core.settings import Settings
from app.customers.repository import CustomerRepository
from app.demo.campaigns import campaign_demo
from app.demo.knowledge import knowledge_demo
from app.demo.service_history import service_history
from app.jobs.models import JobKind
from app.jobs.service import JobService
from app.jobs.worker import Worker
from app.segmentation.jobs import run_segmentation
from app.tickets.models import Channel, TicketDraft, TicketPriority, TicketStatus, TicketType
from app.tickets.repository import TicketRepository
from app.workflow.defaults import CHINESE, STANDARD, SUPPORT, load_defaults
from app.workflow.flow import Workflow
from app.workflow.hours import Schedule
from app.workflow.models import (
    NOT_CLOSED,
    AgentStatus,
    Interval,
    RuleEvent,
    RuleField,
    RuleOperator,
    Target,
    Weekday,
)
from app.workflow.service import WorkflowService

WORKDAYS = list(Weekday)[:5]
WAITED = 6 * 60  # business minutes the waiting consultation has waited (the rule: 4 hours)
MAX_REPLAYED = 2000  # per status: the demo has a few hundred tickets
AGENTS = (  # name, team, languages, capacity, status, lead
    ("Alex Kim", SUPPORT, ["en"], 8, AgentStatus.ONLINE, False),
    ("Bo Svensson", SUPPORT, ["en"], 8, AgentStatus.ONLINE, False),
    ("Dana Reyes", SUPPORT, ["en", "zh"], 4, AgentStatus.AWAY, True),
    ("Chen Wei", CHINESE, ["zh", "en"], 6, AgentStatus.ONLINE, True),
    ("Li Na", CHINESE, ["zh"], 6, AgentStatus.ONLINE, False),
)


def us_holidays(year: int) -> list[date]:
    """New Year's Day, Independence Day, Thanksgiving (4th Thursday of November), Christmas."""
    first = date(year, 11, 1)
    thanksgiving = first + timedelta(days=(3 - first.weekday()) % 7 + 21)
    return [date(year, 1, 1), date(year, 7, 4), thanksgiving, date(year, 12, 25)]


def cn_holidays(year: int) -> list[date]:
    """New Year's Day, Labour Day (1-5 May) and National Day (1-7 October)."""
    return [
        date(year, 1, 1),
        *(date(year, 5, d) for d in range(1, 6)),
        *(date(year, 10, d) for d in range(1, 8)),
    ]


async def workflow_demo(
    db: MongoDatabase, settings: Settings, *, now: datetime | None = None
) -> dict[str, int]:
    """Set up the demo's desk and run its open tickets through the workflow (as at ``now``,
    default the current time)."""
    await load_defaults(db, settings.timezone)
    articles = await knowledge_demo(db)
    service = WorkflowService(db)
    now = now or datetime.now(UTC)
    years = (now.year - 1, now.year, now.year + 1)
    new_york = await service.create_hours(
        {
            "name": "New York office",
            "timezone": "America/New_York",
            "intervals": [Interval(day, "09:00", "17:00") for day in WORKDAYS],
            "holidays": [d for y in years for d in us_holidays(y)],
        }
    )
    shanghai = await service.create_hours(
        {
            "name": "Shanghai office",
            "timezone": "Asia/Shanghai",
            "intervals": [Interval(day, "09:00", "18:00") for day in WORKDAYS],
            "holidays": [d for y in years for d in cn_holidays(y)],
        }
    )
    teams = {name: await service.teams.by_name(name) for name in (SUPPORT, CHINESE)}
    for name, team, languages, capacity, status, lead in AGENTS:
        team_doc = teams[team]
        assert team_doc is not None, "the default teams are loaded first"
        email = name.split()[0].lower() + "@desk.example"
        agent = await service.create_agent(
            {"name": name, "email": email, "team_ids": [team_doc["_id"]], "languages": languages,
             "capacity": capacity, "status": status}
        )  # fmt: skip
        if lead:
            await service.update_team(team_doc["_id"], {"lead_id": agent["_id"]})
    standard = await service.policies.collection.find_one({"name": STANDARD})
    assert standard is not None, "the default policies are loaded first"
    await service.update_policy(standard["_id"], {"business_hours_id": new_york["_id"]})
    targets = [
        Target(
            TicketPriority(row["priority"]),
            row.get("firstReplyMinutes"),
            row.get("nextReplyMinutes"),
            row.get("resolutionMinutes"),
        )
        for row in standard["targets"]
    ]
    in_chinese = {"field": RuleField.LANGUAGE, "operator": RuleOperator.IS, "value": "zh"}
    await service.create_policy(
        {
            "name": "Chinese tickets",
            "position": standard["position"] - 0.5,
            "conditions": {"all": [in_chinese]},
            "targets": targets,
            "business_hours_id": shanghai["_id"],
        }
    )
    await segment(db, settings, now)
    replayed = await replay(db, now)
    arrived = await arrive(db, Schedule.from_document(new_york), now)
    history = await service_history(db)
    campaigns = await campaign_demo(db, settings)
    return {
        "agents": len(AGENTS),
        "tickets through the workflow": replayed + arrived,
        **articles,
        **history,
        **campaigns,
    }


LIVE = (  # tickets that arrive as the demo starts: their clocks run now
    (TicketType.CONSULTATION, Channel.CHAT, "Do you ship to Canada?",
     "Hi, can I order to Toronto, and how long does it take?"),
    (TicketType.COMPLAINT, Channel.EMAIL, "订单还没到", "我的订单已经十天了还没到，请尽快处理。"),
)  # fmt: skip
# An English consultation (the Standard policy: New York office hours) that nobody has answered
# for WAITED business minutes; no help-center article answers it.
WAITING = (TicketType.CONSULTATION, Channel.EMAIL, "Quote for 30 standing desks?",
           "We are furnishing a new office. Could you send us a quote for 30 desks?")  # fmt: skip
# A question the desk has put back to the customer (PENDING): its SLA clocks are paused.
ASKED = (TicketType.CONSULTATION, Channel.CHAT, "Which Smart Ring size?",
         "My finger is 18 mm across. Which size of the Smart Ring should I order?")  # fmt: skip


def waiting_since(schedule: Schedule, now: datetime, minutes: float) -> datetime:
    """The latest whole minute back from ``now`` since which ``schedule`` has been open for at
    least ``minutes`` (weekends and holidays between are skipped)."""
    at = now.replace(second=0, microsecond=0)
    while (short := minutes - schedule.minutes_between(at, now)) > 0:
        at -= timedelta(minutes=max(1, int(short)))  # closed hours count nothing: step again
    return at


async def arrive(db: MongoDatabase, office: Schedule, now: datetime) -> int:
    """Tickets from demo customers, through the workflow like any client's, so that whatever
    the day some clocks run and some are paused, and a rule has a consultation to escalate:
    two that arrive now, a consultation that has waited ``WAITED`` business minutes of
    ``office``, and one the desk has asked the customer about (PENDING)."""
    customers = await CustomerRepository(db).first(len(LIVE) + 2)
    drafts = [
        TicketDraft(customer["_id"], kind, channel, subject, body)
        for customer, (kind, channel, subject, body) in zip(customers, LIVE, strict=False)
    ]
    flow = Workflow(db)
    for draft in drafts:
        await flow.create(draft)
    if len(customers) < len(LIVE) + 2:
        return len(drafts)  # a tiny demo
    kind, channel, subject, body = WAITING
    sent = waiting_since(office, now, WAITED)
    await flow.create(
        TicketDraft(customers[-2]["_id"], kind, channel, subject, body, created_at=sent)
    )
    kind, channel, subject, body = ASKED
    asked = await flow.create(TicketDraft(customers[-1]["_id"], kind, channel, subject, body))
    await flow.update(asked["_id"], {"status": TicketStatus.PENDING})
    return len(drafts) + 2


async def segment(db: MongoDatabase, settings: Settings, now: datetime) -> None:
    """Segment the demo's customers as at ``now`` (a SEGMENTATION job, run here to its end)."""
    params = {"asOf": now, "k": None, "features": None}
    await JobService(db).start(JobKind.SEGMENTATION, params)
    worker = Worker(db, settings, {JobKind.SEGMENTATION: run_segmentation})
    for _ in range(10):  # only the one job is queued
        if not await worker.run_once():
            break


async def replay(db: MongoDatabase, now: datetime) -> int:
    """Each open demo ticket as if it had just arrived, then been tagged: the TICKET_CREATED
    and TAGS_CHANGED rules run and the SLA policies apply (clocks from their real creation,
    so old ones have missed their targets), at ``now``. Returns how many tickets went through."""
    flow = Workflow(db)
    tickets = TicketRepository(db)
    count = 0
    setup = await flow.setup(RuleEvent.TICKET_CREATED, RuleEvent.TAGS_CHANGED)
    for status in NOT_CLOSED:
        for ticket in await tickets.in_status(status, MAX_REPLAYED):
            created = await flow.react(RuleEvent.TICKET_CREATED, None, ticket, setup=setup, now=now)
            untagged = copy.deepcopy(created)
            untagged.update(tags=[], language=None, sentiment=None)
            await flow.react(RuleEvent.TAGS_CHANGED, untagged, created, setup=setup, now=now)
            count += 1
    return count
