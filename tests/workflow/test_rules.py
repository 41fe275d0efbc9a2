"""Rules through the API: every event, operator and action; order and the no-loop guarantee;
scheduled rules that fire once until their conditions stop holding; testRule; rule runs; and
bad input refused with nothing written."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app.workflow.sweep import WorkflowSweep
from tests import factories
from tests.conftest import GraphQLClient, customer_says
from tests.tagging.conftest import tag_pending

TICKET = """query($id: ID!) { ticket(id: $id) {
  status priority tags { name source } team { name } assignee { name }
  messages { author authorKind body internal }
  ruleRuns { totalCount edges { node { ruleName event changes { field from to } } } }
} }"""
UPDATE = """mutation($id: ID!, $input: UpdateTicketInput!) {
  updateTicket(id: $id, input: $input) { ticket { id priority } userErrors { field code } } }"""
SET_TAGS = """mutation($id: ID!, $tags: [String!]!) {
  setTicketTags(ticketId: $id, tags: $tags) { userErrors { field code } } }"""
ADD = """mutation($id: ID!, $input: TicketMessageInput!) {
  addTicketMessage(ticketId: $id, input: $input) { userErrors { field code } } }"""
TEST_RULE = """mutation($input: RuleInput!, $ticket: ID!) {
  testRule(input: $input, ticketId: $ticket) {
    result { matched changes { field from to } } userErrors { field code message } } }"""
RUNS = """query($filter: RuleRunFilter) { ruleRuns(filter: $filter) {
  totalCount edges { node { ruleName event changes { field from to } ticket { number }
  rule { name fireCount lastFiredAt } } } } }"""


def when(field: str, operator: str, value: Any = None, tag: str | None = None) -> dict[str, Any]:
    condition = {"field": field, "operator": operator, "value": value}
    return {**condition, "tag": tag} if tag else condition


def do(kind: str, **params: Any) -> dict[str, Any]:
    return {"type": kind, "params": params}


async def read(gql: GraphQLClient, ticket_id: str) -> dict[str, Any]:
    ticket: dict[str, Any] = (await gql(TICKET, id=ticket_id))["ticket"]
    return ticket


async def matched(gql: GraphQLClient, ticket_id: str, *conditions: dict[str, Any]) -> bool:
    rule = {
        "name": "probe",
        "event": "TICKET_UPDATED",
        "conditions": {"all": list(conditions)},
        "actions": [do("ADD_NOTE", body="x")],
    }
    data = await gql(TEST_RULE, input=rule, ticket=ticket_id)
    assert data["testRule"]["userErrors"] == [], data
    result: bool = data["testRule"]["result"]["matched"]
    return result


async def test_every_operator_on_the_ticket_as_it_is(gql: GraphQLClient) -> None:
    ada = await factories.customer(gql)
    team = await factories.team(gql, "Billing")
    ticket = await factories.ticket(gql, ada["id"], subject="Parcel LATE", body="Where is it?")
    await gql(SET_TAGS, id=ticket["id"], tags=["delivery-shipping"])
    await gql(UPDATE, id=ticket["id"], input={"teamId": team["id"]})
    probes = [
        (when("TYPE", "IS", "COMPLAINT"), True),
        (when("TYPE", "IS", "FEEDBACK"), False),
        (when("PRIORITY", "IS_NOT", "URGENT"), True),
        (when("STATUS", "IN", ["NEW", "OPEN"]), True),
        (when("CHANNEL", "NOT_IN", ["EMAIL", "CHAT"]), False),
        (when("SUBJECT", "CONTAINS", "parcel late"), True),
        (when("BODY", "NOT_CONTAINS", "where"), False),
        (when("TAGS", "CONTAINS", "delivery-shipping"), True),
        (when("TAGS", "IN", ["billing-payment", "delivery-shipping"]), True),
        (when("TAGS", "NOT_IN", ["billing-payment"]), True),
        (when("TAG_CONFIDENCE", "GREATER_THAN", 0.99, tag="delivery-shipping"), True),
        (when("TAG_CONFIDENCE", "LESS_THAN", 0.5, tag="delivery-shipping"), False),
        (when("HOURS_SINCE_CREATED", "LESS_THAN", 1), True),
        (when("HOURS_SINCE_CREATED", "GREATER_THAN", 1), False),
        (when("TEAM", "IS", team["id"]), True),
        (when("TEAM", "PRESENT"), True),
        (when("ASSIGNEE", "NOT_PRESENT"), True),
        (when("SENTIMENT", "PRESENT"), False),  # not tagged yet
        (when("AWAITING_REPLY", "IS", True), True),
        (when("LIFECYCLE_STAGE", "IS", "LEAD"), True),
        (when("SEGMENT_RANK", "PRESENT"), False),  # no segmentation ran
        (when("PRIORITY", "CHANGED"), False),  # testRule sees no change
    ]
    for condition, expected in probes:
        assert await matched(gql, ticket["id"], condition) is expected, condition


async def test_changed_operators_see_the_event_and_every_event_runs_its_rules(
    gql: GraphQLClient,
) -> None:
    ada = await factories.customer(gql, "Ada Lovelace")
    for event in (
        "TICKET_CREATED",
        "TICKET_UPDATED",
        "CUSTOMER_MESSAGE",
        "AGENT_MESSAGE",
        "TAGS_CHANGED",
    ):
        await factories.rule(gql, event, [do("ADD_NOTE", body=f"seen {event}")], name=event)
    await factories.rule(
        gql,
        "TICKET_UPDATED",
        [do("ADD_NOTE", body="to urgent")],
        all=[when("PRIORITY", "CHANGED_TO", "URGENT")],
        name="to",
    )
    await factories.rule(
        gql,
        "TICKET_UPDATED",
        [do("ADD_NOTE", body="from normal")],
        all=[when("PRIORITY", "CHANGED_FROM", "NORMAL")],
        name="from",
    )
    await factories.rule(
        gql,
        "TICKET_UPDATED",
        [do("ADD_NOTE", body="status moved")],
        all=[when("STATUS", "CHANGED")],
        name="status",
    )
    ticket = await factories.ticket(gql, ada["id"])
    await gql(UPDATE, id=ticket["id"], input={"priority": "URGENT"})
    await customer_says(gql, ticket["id"], {"body": "Any news?"})
    await gql(ADD, id=ticket["id"], input={"body": "Tomorrow."})
    await gql(SET_TAGS, id=ticket["id"], tags=["delivery-shipping"])
    notes = [m["body"] for m in (await read(gql, ticket["id"]))["messages"] if m["internal"]]
    assert notes == [
        "seen TICKET_CREATED",
        "seen TICKET_UPDATED",
        "to urgent",
        "from normal",
        "seen CUSTOMER_MESSAGE",
        "seen AGENT_MESSAGE",
        "seen TAGS_CHANGED",
    ]
    # The automatic tagger's results are an event too.
    other = await factories.ticket(gql, ada["id"], subject="快递太慢", body="包裹还没到")
    await tag_pending(gql.database)
    notes = [m["body"] for m in (await read(gql, other["id"]))["messages"]]
    assert notes == ["seen TICKET_CREATED", "seen TAGS_CHANGED"]


async def test_every_action(gql: GraphQLClient) -> None:
    ada = await factories.customer(gql, "Ada Lovelace")
    support = await factories.team(gql, "Support", strategy="LEAST_LOADED")
    lead = await factories.agent(gql, "Lena", teamIds=[support["id"]], capacity=5)
    await gql(
        "mutation($id: ID!, $lead: ID!) { updateTeam(id: $id, input: {leadId: $lead}) "
        "{ userErrors { field } } }",
        id=support["id"],
        lead=lead["id"],
    )
    policy = await gql(
        CREATE_POLICY,
        input={"name": "Fast", "targets": [{"priority": "HIGH", "firstReplyMinutes": 30}]},
    )
    policy_id = policy["createSlaPolicy"]["slaPolicy"]["id"]
    actions = [
        do("SET_PRIORITY", priority="LOW"),
        do("SET_STATUS", status="OPEN"),
        do("SET_TEAM", teamId=support["id"]),
        do("ADD_TAGS", tags=["billing-payment", "delivery-shipping"]),
        do("REMOVE_TAGS", tags=["billing-payment"]),
        do("SEND_REPLY", template="Hi {{customer.firstName}}, we got {{ticket.number}}."),
        do("APPLY_SLA", policyId=policy_id),
        do("CREATE_TASK", title="Call {{customer.name}} back", dueInHours=24),
        do("ASSIGN_BY_STRATEGY"),
        do("ESCALATE"),
    ]
    rule = await factories.rule(gql, "TICKET_CREATED", actions, name="all actions")
    assert [a["type"] for a in rule["actions"]] == [a["type"] for a in actions]
    ticket = await factories.ticket(gql, ada["id"])
    seen = await read(gql, ticket["id"])
    assert seen["status"] == "OPEN"
    assert seen["priority"] == "NORMAL"  # LOW, then escalated one step
    assert seen["team"] == {"name": "Support"}
    assert seen["assignee"] == {"name": "Lena"}
    assert [(t["name"], t["source"]) for t in seen["tags"]] == [("delivery-shipping", "RULE")]
    reply, note = seen["messages"]
    assert (reply["body"], reply["internal"], reply["authorKind"]) == (
        f"Hi Ada, we got {(await number(gql, ticket['id']))}.",
        False,
        "RULE",
    )
    assert note["internal"]
    assert note["body"].startswith("@Lena (Support lead)")
    tasks = (await gql(TASKS, ticket=ticket["id"]))["tasks"]["edges"]
    assert [t["node"]["title"] for t in tasks] == ["Call Ada Lovelace back"]
    assert tasks[0]["node"]["assignee"] == {"name": "Lena"}
    sla = (await gql(SLA, id=ticket["id"]))["ticket"]["sla"]
    assert sla["policy"] == {"name": "Fast"}
    run = seen["ruleRuns"]["edges"][0]["node"]
    changes = {(c["field"], c["from"], c["to"]) for c in run["changes"]}
    assert {
        ("status", "NEW", "OPEN"),
        ("team", None, "Support"),
        ("assignee", None, "Lena"),
        ("tags", None, "delivery-shipping"),
        ("task", None, "Call Ada Lovelace back"),
    } <= changes
    # SET_ASSIGNEE and a second ticket: the lead holds both.
    await factories.rule(gql, "TICKET_UPDATED", [do("SET_ASSIGNEE", agentId=lead["id"])])
    await gql(UPDATE, id=ticket["id"], input={"assigneeId": None})
    assert (await read(gql, ticket["id"]))["assignee"] == {"name": "Lena"}


CREATE_POLICY = """mutation($input: SlaPolicyInput!) { createSlaPolicy(input: $input) {
  slaPolicy { id name } userErrors { field code message } } }"""
TASKS = """query($ticket: ID) { tasks(filter: {ticketId: $ticket}) {
  edges { node { title status dueAt assignee { name } } } } }"""
SLA = """query($id: ID!) { ticket(id: $id) { sla { status policy { name } firstReplyDueAt
  breaches { metric at } } } }"""


async def number(gql: GraphQLClient, ticket_id: str) -> str:
    data = await gql("query($id: ID!) { ticket(id: $id) { number } }", id=ticket_id)
    value: str = data["ticket"]["number"]
    return value


async def test_rules_run_in_order_each_seeing_the_last_and_never_loop(gql: GraphQLClient) -> None:
    ada = await factories.customer(gql)
    first = await factories.rule(
        gql,
        "TICKET_UPDATED",
        [do("SET_PRIORITY", priority="HIGH")],
        all=[when("PRIORITY", "CHANGED")],
        name="first",
    )
    second = await factories.rule(
        gql,
        "TICKET_UPDATED",
        [do("ADD_TAGS", tags=["billing-payment"])],
        all=[when("PRIORITY", "IS", "HIGH")],
        name="second",
    )
    # This one undoes what the first did and would, if changes started rounds, go on forever.
    await factories.rule(
        gql,
        "TICKET_UPDATED",
        [do("SET_PRIORITY", priority="LOW")],
        all=[when("TAGS", "CHANGED_TO", "billing-payment")],
        name="third",
    )
    ticket = await factories.ticket(gql, ada["id"])
    await gql(UPDATE, id=ticket["id"], input={"priority": "URGENT"})
    seen = await read(gql, ticket["id"])
    assert seen["priority"] == "LOW"
    assert [t["name"] for t in seen["tags"]] == ["billing-payment"]
    runs = [e["node"]["ruleName"] for e in seen["ruleRuns"]["edges"]]
    assert sorted(runs) == ["first", "second", "third"]  # each once, one pass
    rules = (await gql("{ rules { edges { node { name fireCount } } } }"))["rules"]["edges"]
    assert [(r["node"]["name"], r["node"]["fireCount"]) for r in rules] == [
        ("first", 1),
        ("second", 1),
        ("third", 1),
    ]
    # Reordered: the second runs before the first sets HIGH, so it does not fire.
    third = rules[2]["node"]
    ids = [second["id"], first["id"], await rule_id(gql, third["name"])]
    data = await gql(
        "mutation($ids: [ID!]!) { reorderRules(ids: $ids) { rules { name } userErrors { code } } }",
        ids=ids,
    )
    assert [r["name"] for r in data["reorderRules"]["rules"]] == ["second", "first", "third"]
    other = await factories.ticket(gql, ada["id"])
    await gql(UPDATE, id=other["id"], input={"priority": "URGENT"})
    seen = await read(gql, other["id"])
    assert (seen["priority"], seen["tags"]) == ("HIGH", [])
    bad = await gql(
        "mutation($ids: [ID!]!) { reorderRules(ids: $ids) { rules { name } userErrors { code } } }",
        ids=ids[:2],
    )
    assert bad["reorderRules"]["userErrors"] == [{"code": "INVALID"}]


async def rule_id(gql: GraphQLClient, name: str) -> str:
    rules = (await gql("{ rules { edges { node { id name } } } }"))["rules"]["edges"]
    return next(r["node"]["id"] for r in rules if r["node"]["name"] == name)


async def test_scheduled_rules_fire_once_until_their_conditions_stop_holding(
    gql: GraphQLClient,
) -> None:
    ada = await factories.customer(gql)
    await factories.rule(
        gql,
        "SCHEDULED",
        [do("ADD_NOTE", body="still waiting")],
        name="nudge",
        all=[when("STATUS", "IS", "OPEN"), when("HOURS_SINCE_UPDATED", "GREATER_THAN", 2)],
    )
    waiting = await factories.ticket(gql, ada["id"])
    fresh = await factories.ticket(gql, ada["id"])
    for ticket in (waiting, fresh):
        await gql(UPDATE, id=ticket["id"], input={"status": "OPEN"})
    sweep = WorkflowSweep(gql.database.db, 60)
    now = datetime.now(UTC)

    async def notes(ticket_id: str) -> int:
        return sum(m["body"] == "still waiting" for m in (await read(gql, ticket_id))["messages"])

    assert (await sweep.run_once(now + timedelta(hours=1))).fired == 0
    # Both idle for ten hours (their last change moved back in time).
    tickets = gql.database.db["tickets"]
    await tickets.update_many({}, {"$set": {"updatedAt": now - timedelta(hours=10)}})
    assert (await sweep.run_once(now)).fired == 2
    # Conditions still hold: no second note, however often the sweep runs.
    for hours in (1, 2, 30):
        assert (await sweep.run_once(now + timedelta(hours=hours))).fired == 0
    assert (await notes(waiting["id"]), await notes(fresh["id"])) == (1, 1)
    # Someone acts on one ticket: its conditions stop holding, so the rule is armed again for
    # it (not for the other, still idle) and fires once more two idle hours later.
    await gql(UPDATE, id=fresh["id"], input={"priority": "HIGH"})
    report = await sweep.run_once(datetime.now(UTC))
    assert (report.rearmed, report.fired) == (1, 0)
    assert (await sweep.run_once(datetime.now(UTC) + timedelta(hours=3))).fired == 1
    assert (await notes(waiting["id"]), await notes(fresh["id"])) == (1, 2)
    runs = (await gql(RUNS, filter={"ticketId": fresh["id"]}))["ruleRuns"]
    assert runs["totalCount"] == 2
    assert {e["node"]["event"] for e in runs["edges"]} == {"SCHEDULED"}


async def test_test_rule_reports_changes_and_writes_nothing(gql: GraphQLClient) -> None:
    ada = await factories.customer(gql)
    ticket = await factories.ticket(gql, ada["id"])
    rule = {
        "name": "urgent complaints",
        "event": "TICKET_CREATED",
        "conditions": {"all": [when("TYPE", "IS", "COMPLAINT")]},
        "actions": [
            do("SET_PRIORITY", priority="URGENT"),
            do("ADD_TAGS", tags=["billing-payment"]),
        ],
    }
    data = await gql(TEST_RULE, input=rule, ticket=ticket["id"])
    assert data["testRule"]["result"] == {
        "matched": True,
        "changes": [
            {"field": "priority", "from": "NORMAL", "to": "URGENT"},
            {"field": "tags", "from": None, "to": "billing-payment"},
        ],
    }
    seen = await read(gql, ticket["id"])
    assert (seen["priority"], seen["tags"], seen["ruleRuns"]["totalCount"]) == ("NORMAL", [], 0)
    assert (await gql("{ rules { totalCount } }"))["rules"]["totalCount"] == 0
    rule["conditions"] = {"all": [when("TYPE", "IS", "FEEDBACK")]}
    data = await gql(TEST_RULE, input=rule, ticket=ticket["id"])
    assert data["testRule"]["result"] == {"matched": False, "changes": []}


async def test_rule_runs_are_listed_by_rule_and_ticket(gql: GraphQLClient) -> None:
    ada = await factories.customer(gql)
    rule = await factories.rule(
        gql,
        "TICKET_CREATED",
        [do("SET_PRIORITY", priority="HIGH")],
        all=[when("SUBJECT", "CONTAINS", "refund")],
        name="refunds",
    )
    one = await factories.ticket(gql, ada["id"], subject="Refund please")
    await factories.ticket(gql, ada["id"], subject="Thanks")
    await factories.ticket(gql, ada["id"], subject="Another refund")
    runs = (await gql(RUNS, filter={"ruleId": rule["id"]}))["ruleRuns"]
    assert runs["totalCount"] == 2
    node = runs["edges"][-1]["node"]
    assert node["ticket"]["number"] == await number(gql, one["id"])
    assert node["changes"] == [{"field": "priority", "from": "NORMAL", "to": "HIGH"}]
    assert node["rule"]["fireCount"] == 2
    assert node["rule"]["lastFiredAt"] is not None
    assert (await gql(RUNS, filter={"ticketId": one["id"]}))["ruleRuns"]["totalCount"] == 1
    # A deleted rule's runs stay, with its name.
    data = await gql(
        "mutation($id: ID!) { deleteRule(id: $id) { rule { name } userErrors { code } } }",
        id=rule["id"],
    )
    assert data["deleteRule"]["rule"] == {"name": "refunds"}
    runs = (await gql(RUNS, filter={"ticketId": one["id"]}))["ruleRuns"]["edges"]
    assert (runs[0]["node"]["ruleName"], runs[0]["node"]["rule"]) == ("refunds", None)


@pytest.mark.parametrize(
    ("conditions", "actions", "errors"),
    [
        (
            [when("PRIORITY", "GREATER_THAN", 3)],
            [do("ADD_NOTE", body="x")],
            {("conditions.all.0.operator", "INVALID")},
        ),
        (
            [when("SENTIMENT_SCORE", "LESS_THAN", "low")],
            [do("ADD_NOTE", body="x")],
            {("conditions.all.0.value", "INVALID")},
        ),
        (
            [when("STATUS", "IN", "OPEN")],
            [do("ADD_NOTE", body="x")],
            {("conditions.all.0.value", "INVALID")},
        ),
        (
            [when("TEAM", "IS", factories.UNKNOWN_AGENT)],
            [do("ADD_NOTE", body="x")],
            {("conditions.all.0.value", "INVALID")},
        ),
        (
            [when("TAG_CONFIDENCE", "GREATER_THAN", 0.5)],
            [do("ADD_NOTE", body="x")],
            {("conditions.all.0.tag", "REQUIRED")},
        ),
        (
            [],
            [do("SET_ASSIGNEE", agentId=factories.UNKNOWN_AGENT)],
            {("actions.0.params.agentId", "NOT_FOUND")},
        ),
        ([], [do("ADD_TAGS", tags=["no-such-tag"])], {("actions.0.params.tags.0", "NOT_FOUND")}),
        (
            [],
            [do("SEND_REPLY", template="Hi {{customer.shoeSize}}")],
            {("actions.0.params.template", "INVALID")},
        ),
        (
            [],
            [do("SET_PRIORITY", priority="SOON", extra=1)],
            {("actions.0.params.priority", "INVALID"), ("actions.0.params.extra", "INVALID")},
        ),
        (
            [],
            [do("CREATE_TASK", title="Call", dueInHours=-1)],
            {("actions.0.params.dueInHours", "OUT_OF_RANGE")},
        ),
        ([], [], {("actions", "INVALID")}),
    ],
)
async def test_bad_rules_are_refused_and_nothing_is_written(
    gql: GraphQLClient,
    conditions: list[dict[str, Any]],
    actions: list[dict[str, Any]],
    errors: set[tuple[str, str]],
) -> None:
    values = {
        "name": "bad",
        "event": "TICKET_CREATED",
        "conditions": {"all": conditions},
        "actions": actions,
    }
    data = await gql(factories.CREATE_RULE, input=values)
    assert {(e["field"], e["code"]) for e in data["createRule"]["userErrors"]} == errors
    assert (await gql("{ rules { totalCount } }"))["rules"]["totalCount"] == 0


async def test_archived_tags_and_unknown_fields_are_refused(gql: GraphQLClient) -> None:
    tags = (await gql("{ tags { id name } }"))["tags"]
    name = tags[0]["name"]
    await gql(
        "mutation($id: ID!) { archiveTag(id: $id) { userErrors { code } } }", id=tags[0]["id"]
    )
    data = await gql(
        factories.CREATE_RULE,
        input={"name": "x", "event": "TICKET_CREATED", "actions": [do("ADD_TAGS", tags=[name])]},
    )
    assert [(e["field"], e["code"]) for e in data["createRule"]["userErrors"]] == [
        ("actions.0.params.tags.0", "INVALID")
    ]
    errors = await gql.errors(
        factories.CREATE_RULE,
        input={
            "name": "x",
            "event": "TICKET_CREATED",
            "conditions": {"all": [when("SHOE_SIZE", "IS", 1)]},
            "actions": [],
        },
    )
    assert "SHOE_SIZE" in errors[0]["message"]
