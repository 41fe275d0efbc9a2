"""Ticket metrics recorded through the API: staff replies counted (notes, customer messages and
rule replies not), the first reply timed in calendar and in the SLA policy's business minutes,
PENDING left out of the requester's wait, the solve, an ESCALATE rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app.graphql.relay import decode_id
from app.tickets.repository import TicketRepository
from app.workflow.hours import Schedule
from tests import factories
from tests.conftest import GraphQLClient, customer_says
from tests.workflow.test_sla import hours, policy, week

MESSAGE = """mutation($id: ID!, $input: TicketMessageInput!) {
  addTicketMessage(ticketId: $id, input: $input) { userErrors { code } } }"""
UPDATE = """mutation($id: ID!, $input: UpdateTicketInput!) {
  updateTicket(id: $id, input: $input) { userErrors { code } } }"""


async def stored(gql: GraphQLClient, ticket_id: str) -> dict[str, Any]:
    ticket = await TicketRepository(gql.database.db).get(decode_id(ticket_id, "Ticket"))
    assert ticket is not None
    return ticket


async def earlier(gql: GraphQLClient, ticket_id: str, minutes: int, *fields: str) -> None:
    """Move the ticket's ``fields`` ``minutes`` back in time."""
    ticket = await stored(gql, ticket_id)
    moved = {f: ticket[f] - timedelta(minutes=minutes) for f in fields}
    await gql.database.db["tickets"].update_one({"_id": ticket["_id"]}, {"$set": moved})


async def test_replies_waits_and_the_solve_are_recorded(gql: GraphQLClient) -> None:
    ada = await factories.customer(gql)
    ticket = await factories.ticket(gql, ada["id"])
    await earlier(gql, ticket["id"], 120, "createdAt", "statusChangedAt")
    for body, internal in (("Looking.", False), ("note to self", True), ("Found it.", False)):
        await gql(MESSAGE, id=ticket["id"], input={"body": body, "internal": internal})
    await customer_says(gql, ticket["id"], {"body": "Thanks"})
    m = (await stored(gql, ticket["id"]))["metrics"]
    assert m["agentReplies"] == 2
    assert m["firstReplyMinutes"] == pytest.approx(120, abs=1)
    # No SLA policy: every minute is a business minute.
    assert m["firstReplyBusinessMinutes"] == pytest.approx(m["firstReplyMinutes"])

    await gql(UPDATE, id=ticket["id"], input={"status": "PENDING"})  # NEW for ~120 minutes
    await earlier(gql, ticket["id"], 60, "statusChangedAt")
    await gql(UPDATE, id=ticket["id"], input={"status": "OPEN"})  # PENDING for 60
    await earlier(gql, ticket["id"], 30, "statusChangedAt")
    await gql(UPDATE, id=ticket["id"], input={"status": "RESOLVED"})  # OPEN for 30
    m = (await stored(gql, ticket["id"]))["metrics"]
    assert m["requesterWaitMinutes"] == pytest.approx(150, abs=1)
    assert m["agentWaitMinutes"] == pytest.approx(60, abs=1)
    assert m["resolutionMinutes"] == pytest.approx(120, abs=1)  # created 120 minutes back
    assert (m["solves"], m["reopens"], m["resolvedByRule"]) == (1, 0, False)
    await customer_says(gql, ticket["id"], {"body": "It broke again"})
    assert (await stored(gql, ticket["id"]))["metrics"]["reopens"] == 1


async def test_business_minutes_follow_the_tickets_sla_policy(gql: GraphQLClient) -> None:
    office = {"timezone": "UTC", "intervals": week("09:00", "10:00"), "holidays": []}
    made = await hours(gql, name="One hour a day", **office)
    await policy(gql, name="Office", businessHoursId=made["id"],
                 targets=[{"priority": "NORMAL", "firstReplyMinutes": 600}])  # fmt: skip
    ada = await factories.customer(gql)
    ticket = await factories.ticket(gql, ada["id"])
    await earlier(gql, ticket["id"], 3 * 24 * 60, "createdAt")
    await gql(MESSAGE, id=ticket["id"], input={"body": "Sorry for the wait."})
    seen = await stored(gql, ticket["id"])
    schedule = Schedule.from_document({"intervals": [
        {"day": i["day"], "start": 540, "end": 600} for i in office["intervals"]],
        "timezone": "UTC"})  # fmt: skip
    expected = schedule.minutes_between(seen["createdAt"], seen["metrics"]["firstReplyAt"])
    assert seen["metrics"]["firstReplyBusinessMinutes"] == pytest.approx(expected, abs=0.01)
    assert expected <= 4 * 60 < seen["metrics"]["firstReplyMinutes"]


async def test_an_escalate_rule_counts_as_an_escalation(gql: GraphQLClient) -> None:
    await factories.rule(gql, "TICKET_CREATED", [{"type": "ESCALATE", "params": {}}])
    ada = await factories.customer(gql)
    ticket = await factories.ticket(gql, ada["id"])
    m = (await stored(gql, ticket["id"]))["metrics"]
    assert m["escalations"] == 1
    assert isinstance(m["escalatedAt"], datetime)
    assert m["escalatedAt"] <= datetime.now(UTC)
