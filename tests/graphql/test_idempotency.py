"""Idempotency keys: a retried request (a mobile client on a flaky network) never creates
twice; a key is the caller's own and belongs to one operation; reused with other parameters,
it is an error, as Stripe's are."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from app.auth.roles import Role
from tests import factories
from tests.conftest import GraphQLClient
from tests.factories import CREATE_ORDER, CREATE_TICKET

ADD = """mutation($id: ID!, $input: TicketMessageInput!) { addTicketMessage(ticketId: $id,
    input: $input) { ticket { messages { body } } userErrors { field code } } }"""
SEGMENT = """mutation($key: String) { startSegmentation(input: {idempotencyKey: $key}) {
    job { id } userErrors { field code } } }"""
DISCOVER = """mutation($key: String) { startTopicDiscovery(input: {idempotencyKey: $key}) {
    job { id } userErrors { field code } } }"""


async def test_a_retried_order_is_created_once(gql: GraphQLClient) -> None:
    customer = await factories.customer(gql)
    pen = await factories.product(gql, sku="PEN", price="2.50")
    order = {"customerId": customer["id"], "items": [{"productId": pen["id"], "quantity": 1}]}
    tries = await asyncio.gather(
        *(gql(CREATE_ORDER, input={**order, "idempotencyKey": "checkout-7"}) for _ in range(5))
    )
    numbers = {t["createOrder"]["order"]["number"] for t in tries if t["createOrder"]["order"]}
    assert len(numbers) == 1
    assert (await gql("{ orders { totalCount } }"))["orders"]["totalCount"] == 1
    changed = await gql(
        CREATE_ORDER,
        input={
            **order,
            "items": [{"productId": pen["id"], "quantity": 2}],
            "idempotencyKey": "checkout-7",
        },
    )
    assert changed["createOrder"]["order"] is None
    assert changed["createOrder"]["userErrors"] == [
        {
            "field": "idempotencyKey",
            "code": "IDEMPOTENCY_KEY_REUSED",
            "message": changed["createOrder"]["userErrors"][0]["message"],
        }
    ]


async def test_retried_tickets_and_messages_are_written_once(gql: GraphQLClient) -> None:
    customer = await factories.customer(gql)
    values = {"customerId": customer["id"], "type": "COMPLAINT", "channel": "EMAIL",
              "subject": "Late", "body": "Where is it?", "idempotencyKey": "t-1"}  # fmt: skip
    first = await gql(CREATE_TICKET, input=values)
    again = await gql(CREATE_TICKET, input=values)
    ticket_id = first["createTicket"]["ticket"]["id"]
    assert again["createTicket"]["ticket"]["id"] == ticket_id
    message = {"body": "On its way", "idempotencyKey": "m-1"}
    for _ in range(3):
        await gql(ADD, id=ticket_id, input=message)
    data = await gql("query($id: ID!) { ticket(id: $id) { messages { body } } }", id=ticket_id)
    assert data["ticket"]["messages"] == [{"body": "On its way"}]
    assert (await gql("{ tickets { totalCount } }"))["tickets"]["totalCount"] == 1


async def test_job_keys_are_scoped_by_caller_and_kind(
    as_role: Callable[[Role | None], Awaitable[GraphQLClient]],
) -> None:
    manager, analyst = await as_role(Role.MANAGER), await as_role(Role.ANALYST)
    mine = (await manager(SEGMENT, key="nightly"))["startSegmentation"]["job"]["id"]
    again = (await manager(SEGMENT, key="nightly"))["startSegmentation"]["job"]["id"]
    theirs = (await analyst(SEGMENT, key="nightly"))["startSegmentation"]["job"]["id"]
    other_kind = (await manager(DISCOVER, key="nightly"))["startTopicDiscovery"]["job"]["id"]
    assert mine == again
    assert len({mine, theirs, other_kind}) == 3
