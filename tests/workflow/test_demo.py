"""The demo's service desk: the default rules fire on its tickets, every SLA state shows, and
the sweep runs the scheduled defaults."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from app.core.db import Database
from app.demo.load import seed
from app.demo.workflow import WAITED, cn_holidays, us_holidays, waiting_since, workflow_demo
from app.workflow.hours import Schedule
from app.workflow.sweep import WorkflowSweep
from tests.conftest import GraphQLClient
from tests.tagging.conftest import tag_pending

COUNT = "query($s: [SlaStatus!]) { tickets(filter: {slaStatus: $s}) { totalCount } }"
METRICS = """{ serviceMetrics(groupBy: [AGENT], interval: WEEK) { rows {
  solved group { agent { name } } firstReplyTime { business { median } }
  sla { hit missed } satisfaction { responses csat } } } }"""
COMPLAINTS = "{ complaintReport(interval: MONTH) { periods { complaints escalated } } }"
RUNS = """query($after: String) { ruleRuns(first: 100, after: $after) {
  pageInfo { hasNextPage endCursor } edges { node { ruleName } } } }"""


async def fired(gql: GraphQLClient) -> dict[str, int]:
    counts: dict[str, int] = {}
    after = None
    for _ in range(100):
        page = (await gql(RUNS, after=after))["ruleRuns"]
        for edge in page["edges"]:
            name = edge["node"]["ruleName"]
            counts[name] = counts.get(name, 0) + 1
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    return counts


async def test_the_demo_desk_fires_the_default_rules_in_every_sla_state(
    gql: GraphQLClient, database: Database
) -> None:
    await seed(database.db, progress=False)
    counts = await workflow_demo(database.db, gql.settings)
    assert counts["agents"] == 5
    assert counts["tickets through the workflow"] > 50
    await tag_pending(database)  # the tickets that arrived through the workflow
    for state in ("ACTIVE", "PAUSED", "HIT", "MISSED"):
        assert (await gql(COUNT, s=[state]))["tickets"]["totalCount"] > 0, state
    runs = await fired(gql)
    assert runs["New tickets to the support queue"] > 10
    assert runs["Chinese tickets to the Chinese team"] > 5
    assert runs["Negative complaints from top customers are urgent"] > 0
    teams = await gql("""{ teams { edges { node { name lead { name }
        members { name openTickets capacity } } } } }""")
    for edge in teams["teams"]["edges"]:
        team = edge["node"]
        assert team["lead"] is not None
        assert all(m["openTickets"] <= m["capacity"] for m in team["members"])
    report = await WorkflowSweep(database.db, 60).run_once()
    assert report.fired > 0
    runs = await fired(gql)
    assert runs["Close resolved tickets after 72 hours without a reply"] > 0
    assert runs["Escalate consultations unanswered for 4 business hours"] > 0
    # The desk's past: reports have something to say.
    assert counts["solved tickets with metrics"] > 100
    assert counts["rated tickets"] > 30
    rows = (await gql(METRICS))["serviceMetrics"]["rows"]
    solved = [row for row in rows if row["solved"] > 0]
    assert len({row["group"]["agent"]["name"] for row in solved if row["group"]["agent"]}) >= 4
    rated = [row["satisfaction"]["csat"] for row in solved if row["satisfaction"]["responses"]]
    assert rated
    assert all(0 <= csat <= 1 for csat in rated)
    assert any(row["firstReplyTime"]["business"]["median"] for row in rows)
    assert any(s["hit"] + s["missed"] for row in solved for s in row["sla"])
    periods = (await gql(COMPLAINTS))["complaintReport"]["periods"]
    assert sum(p["complaints"] for p in periods) > sum(p["escalated"] for p in periods) > 0


def test_the_waiting_consultation_has_waited_its_business_hours_at_any_time() -> None:
    """Every 97 minutes of a year (nights, weekends, Thanksgiving, Christmas, Golden Week):
    the demo's waiting consultation was sent ``WAITED`` business minutes ago, to the minute."""
    offices = [
        Schedule(ZoneInfo("America/New_York"), (((540, 1020),),) * 5 + ((), ()),
                 frozenset(d for y in (2025, 2026) for d in us_holidays(y))),
        Schedule(ZoneInfo("Asia/Shanghai"), (((540, 1080),),) * 5 + ((), ()),
                 frozenset(d for y in (2025, 2026) for d in cn_holidays(y))),
    ]  # fmt: skip
    now = datetime(2026, 1, 1, 0, 13, 29, tzinfo=UTC)
    while now.year == 2026:
        for office in offices:
            sent = waiting_since(office, now, WAITED)
            assert sent < now
            assert WAITED <= office.minutes_between(sent, now) < WAITED + 1, (now, sent)
        now += timedelta(minutes=97)
