"""The conversation under load: messages written at the same time are all kept, and a
conversation too large for one document is refused, not truncated."""

from __future__ import annotations

import asyncio

import pytest

from app.tickets import service as ticket_service
from tests import factories
from tests.conftest import GraphQLClient

ADD = """mutation($id: ID!, $input: TicketMessageInput!) { addTicketMessage(ticketId: $id,
    input: $input) { ticket { id } userErrors { field code message } } }"""


async def test_concurrent_messages_are_all_kept(gql: GraphQLClient) -> None:
    customer = await factories.customer(gql)
    ticket = await factories.ticket(gql, customer["id"])

    async def write(n: int) -> list[object]:
        data = await gql(ADD, id=ticket["id"], input={"body": f"reply {n}"})
        errors: list[object] = data["addTicketMessage"]["userErrors"]
        return errors

    errors = await asyncio.gather(*(write(n) for n in range(20)))
    assert errors == [[]] * 20
    data = await gql(
        "query($id: ID!) { ticket(id: $id) { messages { body } firstResponseAt } }", id=ticket["id"]
    )
    bodies = sorted(m["body"] for m in data["ticket"]["messages"])
    assert bodies == sorted(f"reply {n}" for n in range(20))
    assert data["ticket"]["firstResponseAt"] is not None


async def test_a_conversation_past_the_size_limit_is_refused(
    gql: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ticket_service, "MAX_TICKET_BYTES", 5_000)
    customer = await factories.customer(gql)
    ticket = await factories.ticket(gql, customer["id"])
    long = {"body": "x" * 3_000}
    first = await gql(ADD, id=ticket["id"], input=long)
    assert first["addTicketMessage"]["userErrors"] == []
    second = await gql(ADD, id=ticket["id"], input=long)
    assert [(e["field"], e["code"]) for e in second["addTicketMessage"]["userErrors"]] == [
        ("body", "OUT_OF_RANGE")
    ]
