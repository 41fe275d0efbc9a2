"""Satisfaction surveys end to end: a resolution opens one, the customer rates it (the comment
tagged), once per resolution (also when two answers race), a reopen and a new resolution open
a new one; rules alone open none; FEEDBACK is off by default and the setting changes it."""

from __future__ import annotations

import asyncio
from typing import Any

from app.graphql.relay import decode_id
from app.tickets.repository import TicketRepository
from tests import factories
from tests.conftest import GraphQLClient, as_customer, customer_says

RESOLVE = """mutation($id: ID!) { updateTicket(id: $id, input: {status: RESOLVED}) {
  userErrors { code } } }"""
REPLY = """mutation($id: ID!) { addTicketMessage(ticketId: $id, input: {body: "On it."}) {
  userErrors { code } } }"""
RATE = """mutation($id: ID!, $rating: Int!, $comment: String) {
  rateTicket(ticketId: $id, rating: $rating, comment: $comment) {
    ticket { id satisfaction { rating comment via surveyOpenedAt } }
    userErrors { field code message } } }"""
READ = """query($id: ID!) { ticket(id: $id) { status survey { open openedAt answeredAt }
  satisfaction { rating comment at via sentiment { label } tags { name source } }
  ratings { rating } } }"""
SETTINGS = """mutation($types: [TicketType!]!) { setSurveySettings(types: $types) {
  surveySettings { types } userErrors { code } } }"""


async def resolved(gql: GraphQLClient, **fields: Any) -> tuple[dict[str, Any], str]:
    """A ticket an agent answered and resolved; and its customer's ID."""
    customer = await factories.customer(gql, fields.pop("name", "Ada Lovelace"))
    ticket = await factories.ticket(gql, customer["id"], **fields)
    assert (await gql(REPLY, id=ticket["id"]))["addTicketMessage"]["userErrors"] == []
    assert (await gql(RESOLVE, id=ticket["id"]))["updateTicket"]["userErrors"] == []
    return ticket, customer["id"]


async def read(gql: GraphQLClient, ticket_id: str) -> dict[str, Any]:
    ticket: dict[str, Any] = (await gql(READ, id=ticket_id))["ticket"]
    return ticket


def codes(data: dict[str, Any]) -> list[str]:
    return [e["code"] for e in data["rateTicket"]["userErrors"]]


async def test_the_customer_rates_a_resolution_once_and_the_comment_is_tagged(
    gql: GraphQLClient,
) -> None:
    ticket, customer_id = await resolved(gql)
    survey = (await read(gql, ticket["id"]))["survey"]
    assert survey["open"] is True
    assert survey["answeredAt"] is None
    portal = as_customer(gql, customer_id)
    comment = "Terrible, the delivery was late and the parcel arrived broken."
    data = await portal(RATE, id=ticket["id"], rating=2, comment=comment)
    assert codes(data) == []
    seen = await read(gql, ticket["id"])
    rating = seen["satisfaction"]
    assert (rating["rating"], rating["comment"], rating["via"]) == (2, comment, "CUSTOMER")
    assert rating["sentiment"] == {"label": "NEGATIVE"}
    assert "delivery-shipping" in {t["name"] for t in rating["tags"]}
    assert seen["survey"]["open"] is False
    assert seen["survey"]["answeredAt"] is not None
    again = await portal(RATE, id=ticket["id"], rating=5)
    assert codes(again) == ["DUPLICATE"]
    assert [r["rating"] for r in (await read(gql, ticket["id"]))["ratings"]] == [2]


async def test_two_answers_at_once_write_one(gql: GraphQLClient) -> None:
    ticket, _ = await resolved(gql)
    results = await asyncio.gather(*(gql(RATE, id=ticket["id"], rating=r) for r in (1, 5)))
    assert sorted(codes(r) for r in results) == [[], ["DUPLICATE"]]
    assert len((await read(gql, ticket["id"]))["ratings"]) == 1


async def test_an_agent_records_a_phone_answer_and_bad_ratings_are_refused(
    gql: GraphQLClient,
) -> None:
    ticket, _ = await resolved(gql)
    for bad in (0, 6):
        assert codes(await gql(RATE, id=ticket["id"], rating=bad)) == ["OUT_OF_RANGE"]
    data = await gql(RATE, id=ticket["id"], rating=4, comment="Said thanks on the phone.")
    assert data["rateTicket"]["ticket"]["satisfaction"]["via"] == "AGENT"
    stored = await TicketRepository(gql.database.db).get(decode_id(ticket["id"], "Ticket"))
    assert stored is not None
    assert stored["satisfaction"]["recordedBy"]["authorKind"] == "STAFF"


async def test_a_customer_cannot_rate_another_customers_ticket(gql: GraphQLClient) -> None:
    ticket, _ = await resolved(gql)
    other = await factories.customer(gql, "Grace Hopper")
    data = await as_customer(gql, other["id"])(RATE, id=ticket["id"], rating=5)
    assert codes(data) == ["NOT_FOUND"]


async def test_a_reopen_withdraws_the_survey_and_the_next_resolution_opens_another(
    gql: GraphQLClient,
) -> None:
    ticket, customer_id = await resolved(gql)
    portal = as_customer(gql, customer_id)
    assert codes(await portal(RATE, id=ticket["id"], rating=2)) == []
    await customer_says(gql, ticket["id"], {"body": "It broke again."})  # reopens it
    assert (await read(gql, ticket["id"]))["status"] == "OPEN"
    assert codes(await portal(RATE, id=ticket["id"], rating=3)) == ["DUPLICATE"]
    assert (await gql(RESOLVE, id=ticket["id"]))["updateTicket"]["userErrors"] == []
    assert (await read(gql, ticket["id"]))["survey"]["open"] is True
    assert codes(await portal(RATE, id=ticket["id"], rating=5)) == []
    seen = await read(gql, ticket["id"])
    assert ([r["rating"] for r in seen["ratings"]], seen["satisfaction"]["rating"]) == ([2, 5], 5)

    # Reopened before anyone answered: the survey is withdrawn, not answerable.
    await customer_says(gql, ticket["id"], {"body": "And again."})
    await customer_says(gql, ticket["id"], {"body": "Hello?"})
    assert (await read(gql, ticket["id"]))["survey"]["open"] is False
    assert (await gql(RESOLVE, id=ticket["id"]))["updateTicket"]["userErrors"] == []
    await customer_says(gql, ticket["id"], {"body": "Still broken."})
    assert codes(await portal(RATE, id=ticket["id"], rating=1)) == ["INVALID_TRANSITION"]


async def test_rules_alone_open_no_survey(gql: GraphQLClient) -> None:
    await factories.rule(gql, "TICKET_CREATED",
                         [{"type": "SET_STATUS", "params": {"status": "RESOLVED"}}])  # fmt: skip
    customer = await factories.customer(gql)
    ticket = await factories.ticket(gql, customer["id"])
    seen = await read(gql, ticket["id"])
    assert (seen["status"], seen["survey"]) == ("RESOLVED", None)
    assert codes(await gql(RATE, id=ticket["id"], rating=5)) == ["INVALID_TRANSITION"]
    stored = await TicketRepository(gql.database.db).get(decode_id(ticket["id"], "Ticket"))
    assert stored is not None
    assert stored["metrics"]["resolvedByRule"] is True


async def test_feedback_is_not_surveyed_until_a_manager_says_so(gql: GraphQLClient) -> None:
    feedback, _ = await resolved(gql, type="FEEDBACK")
    assert (await read(gql, feedback["id"]))["survey"] is None
    data = await gql(SETTINGS, types=["FEEDBACK"])
    assert data["setSurveySettings"]["surveySettings"] == {"types": ["FEEDBACK"]}
    assert (await gql("{ surveySettings { types } }"))["surveySettings"] == {"types": ["FEEDBACK"]}
    now_feedback, _ = await resolved(gql, type="FEEDBACK", name="Grace Hopper")
    consultation, _ = await resolved(gql, type="CONSULTATION", name="Alan Turing")
    assert (await read(gql, now_feedback["id"]))["survey"]["open"] is True
    assert (await read(gql, consultation["id"]))["survey"] is None
