"""SLA through the API: due dates computed by hand (a holiday, a weekend, two offices in
different time zones), a PENDING pause, breaches found on read and recorded by the sweep, the
filters; tasks; and bad business hours and policies refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app.graphql.relay import decode_id
from app.workflow.sweep import WorkflowSweep
from tests import factories
from tests.conftest import GraphQLClient

CREATE_HOURS = """mutation($input: BusinessHoursInput!) { createBusinessHours(input: $input) {
  businessHours { id name timezone intervals { day start end } holidays }
  userErrors { field code message } } }"""
CREATE_POLICY = """mutation($input: SlaPolicyInput!) { createSlaPolicy(input: $input) {
  slaPolicy { id name position pauseOn businessHours { name } }
  userErrors { field code message } } }"""
UPDATE = """mutation($id: ID!, $input: UpdateTicketInput!) {
  updateTicket(id: $id, input: $input) { userErrors { field code } } }"""
SLA = """query($id: ID!) { ticket(id: $id) { sla { status policy { name } firstReplyDueAt
  nextReplyDueAt resolutionDueAt breaches { metric at } } } }"""
WEEKDAYS = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"]


def week(start: str, end: str) -> list[dict[str, str]]:
    return [{"day": day, "start": start, "end": end} for day in WEEKDAYS]


def iso(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "+00:00")


def at(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


async def hours(gql: GraphQLClient, **values: Any) -> dict[str, Any]:
    return factories.ok((await gql(CREATE_HOURS, input=values))["createBusinessHours"],
                        "businessHours")  # fmt: skip


async def policy(gql: GraphQLClient, **values: Any) -> dict[str, Any]:
    return factories.ok((await gql(CREATE_POLICY, input=values))["createSlaPolicy"], "slaPolicy")


async def sla(gql: GraphQLClient, ticket_id: str) -> dict[str, Any]:
    state: dict[str, Any] = (await gql(SLA, id=ticket_id))["ticket"]["sla"]
    return state


async def backdate(gql: GraphQLClient, ticket_id: str, created: datetime, **more: Any) -> None:
    await gql.database.db["tickets"].update_one(
        {"_id": decode_id(ticket_id, "Ticket")},
        {"$set": {"createdAt": created, "lastCustomerMessageAt": created, **more}},
    )


async def test_due_dates_by_hand_across_a_holiday_a_weekend_and_two_time_zones(
    gql: GraphQLClient,
) -> None:
    ada = await factories.customer(gql)
    english = await factories.ticket(gql, ada["id"], subject="Where is my order?")
    chinese = await factories.ticket(gql, ada["id"], subject="订单在哪里", body="还没到")
    # Thursday 2 July 2026, 16:00 in New York (EDT, UTC-4) = 20:00 UTC; Friday 3 July is the
    # US holiday; in Shanghai (UTC+8) it is already Friday 04:00, an ordinary workday.
    created = datetime(2026, 7, 2, 20, tzinfo=UTC)
    await backdate(gql, english["id"], created)
    await backdate(gql, chinese["id"], created, language="zh")
    new_york = await hours(gql, name="New York", timezone="America/New_York",
                           intervals=week("09:00", "17:00"), holidays=["2026-07-03"])  # fmt: skip
    shanghai = await hours(gql, name="Shanghai", timezone="Asia/Shanghai",
                           intervals=week("09:00", "18:00"), holidays=["2026-10-01"])  # fmt: skip
    assert new_york["intervals"][0] == {"day": "MONDAY", "start": "09:00", "end": "17:00"}
    targets = [{"priority": "NORMAL", "firstReplyMinutes": 120, "resolutionMinutes": 600}]
    in_chinese = {"all": [{"field": "LANGUAGE", "operator": "IS", "value": "zh"}]}
    await policy(
        gql, name="Chinese", businessHoursId=shanghai["id"], targets=targets, conditions=in_chinese
    )
    standard = await policy(gql, name="Standard", businessHoursId=new_york["id"], targets=targets)
    assert (standard["position"], standard["pauseOn"]) == (2.0, ["PENDING"])
    for ticket in (english, chinese):  # an update: the first matching policy applies
        await gql(UPDATE, id=ticket["id"], input={"status": "OPEN"})

    seen = await sla(gql, english["id"])
    assert seen["policy"] == {"name": "Standard"}
    # 60 minutes on Thursday, Friday a holiday, the weekend, 60 more on Monday 6 July:
    # 10:00 EDT = 14:00 UTC. Resolution, 600: 60 Thursday, 480 Monday, 60 Tuesday 10:00 EDT.
    assert at(seen["firstReplyDueAt"]) == datetime(2026, 7, 6, 14, tzinfo=UTC)
    assert at(seen["resolutionDueAt"]) == datetime(2026, 7, 7, 14, tzinfo=UTC)
    seen_zh = await sla(gql, chinese["id"])
    assert seen_zh["policy"] == {"name": "Chinese"}
    # Friday 09:00 CST (01:00 UTC) + 120 minutes; resolution 540 Friday + 60 Monday 10:00 CST.
    assert at(seen_zh["firstReplyDueAt"]) == datetime(2026, 7, 3, 3, tzinfo=UTC)
    assert at(seen_zh["resolutionDueAt"]) == datetime(2026, 7, 6, 2, tzinfo=UTC)

    # Both were long overdue when the policy applied: the breaches are on record, at the
    # moments the targets fell due.
    assert seen["status"] == "MISSED"
    assert [(b["metric"], at(b["at"])) for b in seen["breaches"]] == [
        ("FIRST_REPLY", datetime(2026, 7, 6, 14, tzinfo=UTC)),
        ("RESOLUTION", datetime(2026, 7, 7, 14, tzinfo=UTC)),
    ]
    due = """query($t: DateTime!) { tickets(filter: {slaDueBefore: $t}) { totalCount } }"""
    # Due before Monday 6 July: the Chinese ticket (3 July), not the English one.
    assert (await gql(due, t="2026-07-06T00:00:00Z"))["tickets"]["totalCount"] == 1


async def test_breaches_show_on_read_at_once_and_the_sweep_records_them(
    gql: GraphQLClient,
) -> None:
    await policy(gql, name="Around the clock",
                 targets=[{"priority": "NORMAL", "firstReplyMinutes": 60}])  # fmt: skip
    ada = await factories.customer(gql)
    late, fine = [await factories.ticket(gql, ada["id"]) for _ in range(2)]
    assert (await sla(gql, late["id"]))["status"] == "ACTIVE"
    due = """query($t: DateTime!) { tickets(filter: {slaDueBefore: $t}) { totalCount } }"""
    soon = iso(datetime.now(UTC) + timedelta(minutes=61))
    assert (await gql(due, t=soon))["tickets"]["totalCount"] == 2
    # An hour and a half later for the first ticket (its clock moved back in time):
    start = datetime.now(UTC) - timedelta(minutes=90)
    start = start.replace(microsecond=start.microsecond // 1000 * 1000)  # BSON keeps ms
    await gql.database.db["tickets"].update_one(
        {"_id": decode_id(late["id"], "Ticket")},
        {"$set": {"sla.metrics.FIRST_REPLY.startedAt": start,
                  "sla.metrics.FIRST_REPLY.dueAt": start + timedelta(hours=1),
                  "sla.dueAt": start + timedelta(hours=1)}},
    )  # fmt: skip
    # Readers see MISSED before any sweep (and the filters agree)...
    seen = await sla(gql, late["id"])
    assert seen["status"] == "MISSED"
    assert [b["metric"] for b in seen["breaches"]] == ["FIRST_REPLY"]
    stored = await gql.database.db["tickets"].find_one({"_id": decode_id(late["id"], "Ticket")})
    assert (stored["sla"]["status"], stored["sla"]["breaches"]) == ("ACTIVE", [])
    count = "query($s: [SlaStatus!]) { tickets(filter: {slaStatus: $s}) { totalCount } }"
    assert (await gql(count, s=["MISSED"]))["tickets"]["totalCount"] == 1
    assert (await gql(count, s=["ACTIVE"]))["tickets"]["totalCount"] == 1
    # ...and the sweep records the breach once, at the moment the target fell due.
    sweep = WorkflowSweep(gql.database.db, 60)
    assert (await sweep.run_once()).breaches == 1
    assert (await sweep.run_once()).breaches == 0
    stored = await gql.database.db["tickets"].find_one({"_id": decode_id(late["id"], "Ticket")})
    assert stored["sla"]["status"] == "MISSED"
    assert [(b["metric"], b["at"]) for b in stored["sla"]["breaches"]] == [
        ("FIRST_REPLY", start + timedelta(hours=1))
    ]
    assert (await gql(count, s=["MISSED", "PAUSED"]))["tickets"]["totalCount"] == 1
    # The other one, an hour on, is caught by the sweep as well.
    report = await sweep.run_once(datetime.now(UTC) + timedelta(minutes=61))
    assert report.breaches == 1
    assert (await gql(count, s=["MISSED"]))["tickets"]["totalCount"] == 2
    assert fine["id"] != late["id"]
    # No status matches nothing, as an empty list does for every filter (found by the fuzzer:
    # an empty $or was a server error).
    assert (await gql(count, s=[]))["tickets"]["totalCount"] == 0
    metrics = "query($s: [SlaStatus!]) { serviceMetrics(filter: {slaStatus: $s}) { interval } }"
    assert (await gql(metrics, s=[]))["serviceMetrics"]["interval"]


async def test_a_pending_ticket_stops_the_clock(gql: GraphQLClient) -> None:
    await policy(gql, name="Around the clock",
                 targets=[{"priority": "NORMAL", "firstReplyMinutes": 60}])  # fmt: skip
    ada = await factories.customer(gql)
    ticket = await factories.ticket(gql, ada["id"])
    first = await sla(gql, ticket["id"])
    assert first["status"] == "ACTIVE"
    due = at(first["firstReplyDueAt"])
    assert due is not None
    await gql(UPDATE, id=ticket["id"], input={"status": "PENDING"})
    paused = await sla(gql, ticket["id"])
    assert (paused["status"], paused["firstReplyDueAt"]) == ("PAUSED", None)
    assert (await gql("{ tickets(filter: {slaStatus: [PAUSED]}) { totalCount } }"))[
        "tickets"]["totalCount"] == 1  # fmt: skip
    # Waiting on the customer for 45 minutes (the pause moved back in time).
    paused_at = datetime.now(UTC) - timedelta(minutes=45)
    await gql.database.db["tickets"].update_one(
        {"_id": decode_id(ticket["id"], "Ticket")}, {"$set": {"sla.pausedAt": paused_at}}
    )
    await gql(UPDATE, id=ticket["id"], input={"status": "OPEN"})
    resumed = await sla(gql, ticket["id"])
    assert resumed["status"] == "ACTIVE"
    moved = at(resumed["firstReplyDueAt"])
    assert moved is not None
    assert abs((moved - due) - timedelta(minutes=45)) < timedelta(seconds=5)
    # The first public reply meets the target: HIT.
    await gql("""mutation($id: ID!) { addTicketMessage(ticketId: $id, input: {body: "Hi!"}) {
        userErrors { code } } }""", id=ticket["id"])  # fmt: skip
    await gql(UPDATE, id=ticket["id"], input={"status": "RESOLVED"})
    assert (await sla(gql, ticket["id"]))["status"] == "HIT"


TASK = "task { id title status dueAt completedAt assignee { name } ticket { number } }"
CREATE_TASK = f"""mutation($input: CreateTaskInput!) {{ createTask(input: $input) {{
  {TASK} userErrors {{ field code }} }} }}"""


async def test_tasks_and_overdue_tasks_in_scheduled_rules(gql: GraphQLClient) -> None:
    ada = await factories.customer(gql)
    bo = await factories.agent(gql, "Bo")
    ticket = await factories.ticket(gql, ada["id"])
    await factories.rule(
        gql, "SCHEDULED", [{"type": "ADD_NOTE", "params": {"body": "A follow-up is overdue."}}],
        all=[{"field": "TASK_OVERDUE", "operator": "IS", "value": True}],
    )  # fmt: skip
    past = datetime.now(UTC) - timedelta(hours=1)
    data = await gql(CREATE_TASK, input={"title": "Call back", "ticketId": ticket["id"],
                                         "assigneeId": bo["id"], "dueAt": iso(past)})  # fmt: skip
    task = factories.ok(data["createTask"], "task")
    assert (task["status"], task["assignee"], task["ticket"]) == (
        "OPEN",
        {"name": "Bo"},
        {"number": "TK-000001"},
    )
    sweep = WorkflowSweep(gql.database.db, 60)
    assert (await sweep.run_once()).fired == 1
    assert (await sweep.run_once()).fired == 0
    mine = """query($bo: ID!, $before: DateTime) { tasks(filter: {assigneeId: $bo, status: [OPEN],
        dueBefore: $before}) { totalCount } }"""
    assert (await gql(mine, bo=bo["id"], before=iso(datetime.now(UTC))))["tasks"][
        "totalCount"] == 1  # fmt: skip
    done = await gql(f"mutation($id: ID!) {{ completeTask(id: $id) {{ {TASK} "
                     "userErrors { field code } } }", id=task["id"])  # fmt: skip
    assert done["completeTask"]["task"]["status"] == "DONE"
    assert done["completeTask"]["task"]["completedAt"] is not None
    again = await gql("mutation($id: ID!) { updateTask(id: $id, input: {status: CANCELLED}) "
                      "{ userErrors { field code } } }", id=task["id"])  # fmt: skip
    assert again["updateTask"]["userErrors"] == [{"field": "status", "code": "INVALID_TRANSITION"}]
    assert (await sweep.run_once()).rearmed == 1  # no overdue task now
    data = await gql(CREATE_TASK, input={"title": " ", "ticketId": factories.UNKNOWN_AGENT,
                                         "dueAt": iso(past)})  # fmt: skip
    assert {(e["field"], e["code"]) for e in data["createTask"]["userErrors"]} == {
        ("ticketId", "INVALID")
    }


@pytest.mark.parametrize(
    ("values", "errors"),
    [
        ({"timezone": "Mars/Olympus", "intervals": week("09:00", "17:00")},
         {("timezone", "INVALID")}),
        ({"timezone": "UTC", "intervals": [{"day": "MONDAY", "start": "17:00", "end": "09:00"}]},
         {("intervals.0", "INVALID")}),
        ({"timezone": "UTC", "intervals": [{"day": "MONDAY", "start": "9am", "end": "25:00"}]},
         {("intervals.0", "INVALID")}),
        ({"timezone": "UTC", "intervals": [{"day": "MONDAY", "start": "09:00", "end": "13:00"},
                                           {"day": "MONDAY", "start": "12:00", "end": "17:00"}]},
         {("intervals", "INVALID")}),
        ({"timezone": "UTC", "intervals": []}, {("intervals", "REQUIRED")}),
    ],
)  # fmt: skip
async def test_bad_business_hours_are_refused(
    gql: GraphQLClient, values: dict[str, Any], errors: set[tuple[str, str]]
) -> None:
    data = await gql(CREATE_HOURS, input={"name": "Office", **values})
    assert {(e["field"], e["code"]) for e in data["createBusinessHours"]["userErrors"]} == errors
    assert (await gql("{ businessHours { totalCount } }"))["businessHours"]["totalCount"] == 0


async def test_bad_policies_are_refused(gql: GraphQLClient) -> None:
    data = await gql(CREATE_POLICY, input={
        "name": "Bad", "pauseOn": ["RESOLVED"], "businessHoursId": "QnVzaW5lc3NIb3VyczphYg",
        "targets": [{"priority": "HIGH", "firstReplyMinutes": -5},
                    {"priority": "HIGH", "resolutionMinutes": 60},
                    {"priority": "LOW"}],
    })  # fmt: skip
    assert {(e["field"], e["code"]) for e in data["createSlaPolicy"]["userErrors"]} == {
        ("businessHoursId", "INVALID")
    }
    data = await gql(CREATE_POLICY, input={
        "name": "Bad", "pauseOn": ["RESOLVED"],
        "targets": [{"priority": "HIGH", "firstReplyMinutes": -5},
                    {"priority": "HIGH", "resolutionMinutes": 60},
                    {"priority": "LOW"}],
    })  # fmt: skip
    assert {(e["field"], e["code"]) for e in data["createSlaPolicy"]["userErrors"]} == {
        ("pauseOn.0", "INVALID"), ("targets.0.firstReplyMinutes", "OUT_OF_RANGE"),
        ("targets.1.priority", "DUPLICATE"), ("targets.2", "REQUIRED"),
    }  # fmt: skip
    assert (await gql("{ slaPolicies { totalCount } }"))["slaPolicies"]["totalCount"] == 0
