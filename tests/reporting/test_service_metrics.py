"""serviceMetrics on hand-built tickets whose every figure is worked out by hand: two weeks,
two agents, tags, languages, a reopen, one-touch and two-touch solves, SLA hit and missed,
ratings and an unanswered survey, the backlog at each week's end, and a ticket from before
metrics existed (counted as created, left out of everything that needs a metric)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bson import ObjectId

from app.graphql.relay import decode_id
from app.reporting.repository import ReportRepository
from app.tickets.metrics import new_metrics
from tests import factories
from tests.conftest import GraphQLClient

A, B = ObjectId(), ObjectId()
WEEK1, WEEK2, END = (datetime(2026, 3, d, tzinfo=UTC) for d in (2, 9, 16))  # Mondays


def at(day: int, hour: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=UTC)


def ticket(
    created: datetime, status: str, assignee: ObjectId | None, **fields: Any
) -> dict[str, Any]:
    metrics = {**new_metrics(), **fields.pop("metrics", {})}
    return {
        "_id": ObjectId(), "number": f"TK-{ObjectId()}", "customerId": ObjectId(),
        "type": "COMPLAINT", "channel": "EMAIL", "priority": "NORMAL", "status": status,
        "subject": "s", "body": "b", "assigneeId": assignee, "teamId": None, "tags": [],
        "language": "en", "createdAt": created, "updatedAt": created, "messages": [],
        "sla": None, "survey": None, "metrics": metrics, **fields,
    }  # fmt: skip


def sla(met: datetime, breached: bool) -> dict[str, Any]:
    return {
        "status": "MISSED" if breached else "HIT",
        "metrics": {"FIRST_REPLY": {"metAt": met}},
        "breaches": [{"metric": "FIRST_REPLY", "at": met}] if breached else [],
    }


def solved(when: datetime, created: datetime, **fields: Any) -> dict[str, Any]:
    minutes = (when - created).total_seconds() / 60
    return {"solvedAt": when, "resolutionMinutes": minutes,
            "resolutionBusinessMinutes": minutes / 3, **fields}  # fmt: skip


def replied(when: datetime, created: datetime) -> dict[str, Any]:
    minutes = (when - created).total_seconds() / 60
    return {"firstReplyAt": when, "firstReplyMinutes": minutes, "firstReplyBusinessMinutes": 10.0}


def survey(opened: datetime, rating: int | None) -> dict[str, Any]:
    answered = opened + timedelta(hours=1) if rating else None
    fields: dict[str, Any] = {"survey": {"openedAt": opened, "open": not rating,
                                         "answeredAt": answered}}  # fmt: skip
    if rating:
        fields["satisfaction"] = {"rating": rating, "at": answered}
    return fields


async def load(gql: GraphQLClient, a: ObjectId = A, b: ObjectId = B) -> None:
    t1, t2, t3, t4 = at(2, 9), at(2, 12), at(3, 8), at(4)
    tickets = [
        # One touch, SLA hit, rated 5.
        ticket(t1, "RESOLVED", a, tags=[{"name": "billing"}], metrics={
            **replied(at(2, 10), t1), **solved(at(3, 9), t1, agentReplies=1,
            requesterWaitMinutes=60.0, assigneeAtSolve=a)},
            sla=sla(at(2, 10), False), **survey(at(3, 9), 5)),
        # Two touches, reopened once, SLA missed, rated 2; Chinese.
        ticket(t2, "CLOSED", a, language="zh", tags=[{"name": "billing"}, {"name": "delivery"}],
               metrics={**replied(at(2, 14), t2), **solved(at(4, 12), t2, agentReplies=2,
               reopens=1, requesterWaitMinutes=200.0, assigneeAtSolve=a)},
               sla=sla(at(2, 14), True), **survey(at(4, 12), 2)),
        # Still open: in both weeks' backlog.
        ticket(t3, "OPEN", b),
        # Replied in week 1, solved in week 2 without a reply, survey unanswered.
        ticket(t4, "RESOLVED", b, language=None, metrics={
            **replied(at(5), t4), "firstReplyMinutes": 30.0,
            **solved(at(10), t4, agentReplies=0, requesterWaitMinutes=90.0, assigneeAtSolve=b)},
            **survey(at(10), None)),
        # From before metrics: no metrics field at all.
        {**ticket(at(5), "RESOLVED", None, tags=["legacy"]), "metrics": None},
    ]  # fmt: skip
    tickets[-1].pop("metrics")
    await ReportRepository(gql.database.db).insert_many(tickets)


QUERY = """query($groupBy: [ServiceGroup!], $gte: DateTime!, $lt: DateTime!) {
  serviceMetrics(filter: {createdAt: {gte: $gte, lt: $lt}}, groupBy: $groupBy,
                 interval: WEEK) {
    start end groupBy
    rows { start end created solved
      group { agent { name } tag language type }
      firstReplyTime { calendar { tickets median p90 } business { median } }
      fullResolutionTime { calendar { tickets median p90 } business { median } }
      requesterWaitTime { calendar { median p90 } }
      oneTouchResolutionRate reopenRate
      sla { metric hit missed rate }
      satisfaction { surveys responses good csat responseRate }
      backlog { open age { tickets median p90 } } } } }"""


async def metrics(gql: GraphQLClient, *groups: str) -> list[dict[str, Any]]:
    data = await gql(QUERY, groupBy=list(groups), gte=WEEK1.isoformat(), lt=END.isoformat())
    rows: list[dict[str, Any]] = data["serviceMetrics"]["rows"]
    return rows


async def test_every_metric_by_week_worked_out_by_hand(gql: GraphQLClient) -> None:
    await load(gql)
    first, second = await metrics(gql)
    assert (first["start"], first["end"]) == (WEEK1.isoformat(), WEEK2.isoformat())
    assert (first["created"], first["solved"]) == (5, 2)  # the legacy ticket is created only
    # First replies of T1 (60), T2 (120) and T4 (30) in week 1: median 60, p90 rank 3 = 120.
    assert first["firstReplyTime"]["calendar"] == {"tickets": 3, "median": 60.0, "p90": 120.0}
    assert first["firstReplyTime"]["business"] == {"median": 10.0}
    # Solved in week 1: T1 (1440) and T2 (2880): median the mean of the two; p90 rank 2.
    assert first["fullResolutionTime"]["calendar"] == {"tickets": 2, "median": 2160.0,
                                                       "p90": 2880.0}  # fmt: skip
    assert first["fullResolutionTime"]["business"] == {"median": 720.0}
    assert first["requesterWaitTime"]["calendar"] == {"median": 130.0, "p90": 200.0}
    assert (first["oneTouchResolutionRate"], first["reopenRate"]) == (0.5, 0.5)
    sla = {s["metric"]: s for s in first["sla"]}
    assert sla["FIRST_REPLY"] == {"metric": "FIRST_REPLY", "hit": 1, "missed": 1, "rate": 0.5}
    assert sla["RESOLUTION"] == {"metric": "RESOLUTION", "hit": 0, "missed": 0, "rate": None}
    assert first["satisfaction"] == {"surveys": 2, "responses": 2, "good": 1, "csat": 0.5,
                                     "responseRate": 1.0}  # fmt: skip
    # Open at Monday 9 March 00:00: T3 (5 days 16 hours old) and T4 (solved on the 10th, 5 days).
    assert first["backlog"] == {"open": 2, "age": {"tickets": 2, "median": 7680.0,
                                                   "p90": 8160.0}}  # fmt: skip

    assert (second["created"], second["solved"]) == (0, 1)
    assert second["fullResolutionTime"]["calendar"]["median"] == 8640.0
    assert second["oneTouchResolutionRate"] == 1.0  # no reply at all is at most one
    assert second["satisfaction"] == {"surveys": 1, "responses": 0, "good": 0, "csat": None,
                                      "responseRate": 0.0}  # fmt: skip
    assert second["backlog"]["open"] == 1
    assert second["backlog"]["age"]["median"] == 8160.0 + 7 * 24 * 60


async def test_grouped_by_agent_counts_solves_for_who_held_the_ticket(gql: GraphQLClient) -> None:
    ann, bo = [await factories.agent(gql, name) for name in ("Ann", "Bo")]
    await load(gql, decode_id(ann["id"], "Agent"), decode_id(bo["id"], "Agent"))
    rows = await metrics(gql, "AGENT")
    week1 = {
        (r["group"]["agent"] or {}).get("name"): r for r in rows if r["start"] == WEEK1.isoformat()
    }
    assert set(week1) == {"Ann", "Bo", None}
    assert (week1["Ann"]["created"], week1["Ann"]["solved"]) == (2, 2)
    assert week1["Ann"]["satisfaction"]["csat"] == 0.5
    assert (week1["Bo"]["created"], week1["Bo"]["solved"], week1["Bo"]["backlog"]["open"]) == (
        2,
        0,
        2,
    )
    assert week1[None]["created"] == 1  # the legacy ticket, unassigned
    week2 = [r for r in rows if r["start"] == WEEK2.isoformat()]
    assert [(r["group"]["agent"]["name"], r["solved"]) for r in week2] == [("Bo", 1)]


async def test_grouped_by_tag_unwinds_each_tag_and_by_language(gql: GraphQLClient) -> None:
    await load(gql)
    rows = [r for r in await metrics(gql, "TAG") if r["start"] == WEEK1.isoformat()]
    by_tag = {r["group"]["tag"]: r for r in rows}
    # T2 counts under both of its tags; T3, T4 have none; the legacy tag is a plain string.
    assert {tag: r["created"] for tag, r in by_tag.items()} == {
        "billing": 2, "delivery": 1, "legacy": 1, None: 2,
    }  # fmt: skip
    assert by_tag["billing"]["fullResolutionTime"]["calendar"]["median"] == 2160.0
    assert by_tag["delivery"]["reopenRate"] == 1.0
    languages = {r["group"]["language"]: r["created"] for r in await metrics(gql, "LANGUAGE")
                 if r["start"] == WEEK1.isoformat()}  # fmt: skip
    assert languages == {"en": 3, "zh": 1, "und": 1}


async def test_the_filter_selects_tickets_and_a_bad_window_is_refused(gql: GraphQLClient) -> None:
    await load(gql)
    query = """query($gte: DateTime!, $lt: DateTime!) { serviceMetrics(
      filter: {createdAt: {gte: $gte, lt: $lt}, language: ["zh"]}) { rows { created solved } } }"""
    data = await gql(query, gte=WEEK1.isoformat(), lt=END.isoformat())
    assert data["serviceMetrics"]["rows"] == [{"created": 1, "solved": 1}]
    errors = await gql.errors(query, gte=END.isoformat(), lt=WEEK1.isoformat())
    assert errors[0]["extensions"]["code"] == "OUT_OF_RANGE"
