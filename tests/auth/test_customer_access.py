"""A customer signed in with a token naming them sees their own record, orders and tickets,
and nothing of anyone else's: not through node/nodes, filters, search, nested fields,
fragments, aliases or subscriptions."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from app.auth.roles import Role
from app.tickets.repository import TicketRepository
from tests import factories
from tests.conftest import GraphQLClient, as_customer

AsRole = Callable[[Role | None], Awaitable[GraphQLClient]]
UNKNOWN_ORDER = "T3JkZXI6NjU0YjFjMmQzZTRmNWE2YjdjOGQ5ZTBm"  # Order:654b1c2d3e4f5a6b7c8d9e0f


@dataclass
class Shop:
    manager: GraphQLClient
    ada: dict[str, Any]  # the customer signed in
    bob: dict[str, Any]  # another customer
    ada_order: dict[str, Any]
    bob_order: dict[str, Any]
    ada_ticket: dict[str, Any]
    bob_ticket: dict[str, Any]
    product: dict[str, Any]
    portal: GraphQLClient  # Ada's


@pytest.fixture
async def shop(as_role: AsRole) -> Shop:
    manager = await as_role(Role.MANAGER)
    ada = await factories.customer(manager, "Ada Lovelace", email="ada@example.com")
    bob = await factories.customer(manager, "Bob Stone", email="bob@example.com")
    product = await factories.product(manager, "SKU-1")
    ada_order = await factories.order(manager, ada["id"], [(product["id"], 1)])
    bob_order = await factories.order(manager, bob["id"], [(product["id"], 2)])
    ada_ticket = await factories.ticket(manager, ada["id"], subject="Kettle broken")
    bob_ticket = await factories.ticket(manager, bob["id"], subject="Toaster broken")
    return Shop(
        manager, ada, bob, ada_order, bob_order, ada_ticket, bob_ticket, product,
        as_customer(manager, ada["id"]),
    )  # fmt: skip


def codes(result: Any) -> set[str]:
    return {(e.extensions or {}).get("code") for e in result.errors or []}


OWN = """{
  viewer { role customer { id name email } }
  myOrders { totalCount edges { node { id number total { amount } items { sku name }
                                       customer { id } } } }
  myTickets { totalCount edges { node { id subject customer { id }
                                        messages { body authorKind fromCustomer } } } }
}"""


async def test_a_customer_sees_their_own_record_orders_and_tickets(shop: Shop) -> None:
    await shop.manager(
        """mutation($id: ID!) { addTicketMessage(ticketId: $id,
             input: {body: "internal: refund later", internal: true}) { ticket { id } } }""",
        id=shop.ada_ticket["id"],
    )
    data = await shop.portal(OWN)
    assert data["viewer"] == {
        "role": "CUSTOMER",
        "customer": {"id": shop.ada["id"], "name": "Ada Lovelace", "email": "ada@example.com"},
    }
    orders = data["myOrders"]
    assert orders["totalCount"] == 1
    assert [e["node"]["id"] for e in orders["edges"]] == [shop.ada_order["id"]]
    assert orders["edges"][0]["node"]["customer"] == {"id": shop.ada["id"]}
    tickets = data["myTickets"]
    assert [e["node"]["id"] for e in tickets["edges"]] == [shop.ada_ticket["id"]]
    assert tickets["edges"][0]["node"]["messages"] == []  # the internal note stays hidden


async def test_staff_have_no_customer_of_their_own(shop: Shop) -> None:
    data = await shop.manager("{ viewer { role customer { id } } }")
    assert data["viewer"] == {"role": "MANAGER", "customer": None}


@pytest.mark.parametrize(
    ("field", "arguments"),
    [
        ("Orders", "filter: {customerId: $other}"),
        ("Tickets", "filter: {customerId: $other}"),
        ("Tickets", 'search: "Toaster", filter: {customerId: $other}'),
        ("Tickets", 'search: "Toaster", filter: {status: [NEW], channel: [EMAIL]}'),
    ],
)
async def test_filters_and_search_naming_another_customer_find_nothing(
    shop: Shop, field: str, arguments: str
) -> None:
    other = {"other": shop.bob["id"]} if "$other" in arguments else {}
    declared = "($other: ID!)" if other else ""
    query = "query" + declared + " {{ {}({}) {{ totalCount edges {{ node {{ id }} }} }} }}"
    mine = await shop.portal(query.format(f"my{field}", arguments), **other)
    assert mine[f"my{field}"] == {"totalCount": 0, "edges": []}
    # The same question from staff finds Bob's: the customer's scope is what hid it.
    staff = await shop.manager(query.format(field.lower(), arguments), **other)
    assert staff[field.lower()]["totalCount"] == 1


async def test_own_search_and_filters_work(shop: Shop) -> None:
    data = await shop.portal(
        """query($me: ID!) { myTickets(search: "Kettle", filter: {customerId: $me,
             status: [NEW]}) { totalCount } myOrders(filter: {status: [PENDING, PAID]})
           { totalCount } }""",
        me=shop.ada["id"],
    )
    assert data == {"myTickets": {"totalCount": 1}, "myOrders": {"totalCount": 1}}


@pytest.mark.parametrize(
    "condition",
    ['sentiment: [NEGATIVE]', 'tags: {any: ["billing"]}', 'language: ["en"]',
     'slaStatus: [MISSED]', f'assigneeId: "{factories.UNKNOWN_AGENT}"'],
)  # fmt: skip
async def test_a_customer_cannot_filter_by_what_the_desk_keeps(shop: Shop, condition: str) -> None:
    result = await shop.portal.execute(f"{{ myTickets(filter: {{{condition}}}) {{ totalCount }} }}")
    assert codes(result) == {"FORBIDDEN"}
    assert result.data is None


NODE = """query($id: ID!) { node(id: $id) { __typename id ... on Customer { name }
  ... on Order { number } ... on Ticket { subject } } }"""


async def test_node_is_null_for_anything_not_theirs_as_for_a_missing_id(shop: Shop) -> None:
    agent = await factories.agent(shop.manager, "Bo")
    for own in (shop.ada, shop.ada_order, shop.ada_ticket):
        assert (await shop.portal(NODE, id=own["id"]))["node"]["id"] == own["id"]
    others = [shop.bob, shop.bob_order, shop.bob_ticket, shop.product, agent]
    for other in others:
        # Staff see it, so it exists; the customer gets what a missing ID gives.
        assert (await shop.manager(NODE, id=other["id"]))["node"]["id"] == other["id"]
        refused = await shop.portal.execute(NODE, id=other["id"])
        missing = await shop.portal.execute(NODE, id=UNKNOWN_ORDER)
        assert (
            (refused.data, refused.errors)
            == (missing.data, missing.errors)
            == (
                {"node": None},
                None,
            )
        )
    data = await shop.portal(
        """query($ids: [ID!]!) { nodes(ids: $ids) { id } }""",
        ids=[shop.ada_ticket["id"], *(o["id"] for o in others), shop.ada_order["id"]],
    )
    assert data["nodes"] == [
        {"id": shop.ada_ticket["id"]},
        *[None] * len(others),
        {"id": shop.ada_order["id"]},
    ]


@pytest.mark.parametrize(
    "query",
    [
        "{ viewer { customer { stats { orderCount } } } }",
        "{ viewer { customer { segment { explanation } } } }",
        "{ viewer { customer { tags lifecycleStage } } }",
        "{ viewer { customer { orders { totalCount } } } }",
        "{ viewer { customer { tickets { totalCount } } } }",
        "{ myOrders { edges { node { grossMargin { amount } } } } }",
        "{ myOrders { edges { node { items { cost { amount } } } } } }",
        "{ myOrders { edges { node { items { product { name } } } } } }",  # a product's data
        "{ myOrders { edges { node { statusHistory { note } } } } }",
        "{ myTickets { edges { node { sentiment { label } } } } }",
        "{ myTickets { edges { node { tags { name } } } } }",
        "{ myTickets { edges { node { sla { status } } } } }",
        "{ myTickets { edges { node { ruleRuns { totalCount } } } } }",
        "{ myTickets { edges { node { team { name } } } } }",
        "{ myTickets { edges { node { messages { internal agent { name } } } } } }",
        "{ myTickets { edges { node { assignee { email teams { name } } } } } }",  # an agent's
        # Through fragments, inline fragments on interfaces and aliases:
        "{ mine: myTickets { edges { node { ...T } } } } fragment T on Ticket { language }",
        '{ other: node(id: "x") { ... on Product { name price { amount } } } }',
        '{ node(id: "x") { ... on Agent { name email } } }',
        '{ nodes(ids: ["x"]) { ...J } } fragment J on Job { status }',
        '{ node(id: "x") { ... on Customer { ...S } } } fragment S on Customer { stats { '
        "orderCount } }",
        # Other roots: every one a customer has no row for.
        "{ customers { totalCount } }",
        "{ myTickets { totalCount } tickets { totalCount } }",
        'mutation { updateTicket(id: "x", input: {status: CLOSED}) { ticket { id } } }',
    ],
)
async def test_fields_outside_the_customer_view_refuse_the_whole_operation(
    shop: Shop, query: str
) -> None:
    result = await shop.portal.execute(query)
    assert codes(result) == {"FORBIDDEN"}, result.errors
    assert result.data is None  # refused before anything ran
    assert all(e.path is None for e in result.errors)
    # Staff may ask the same (a valid operation: the refusal is the customer's only).
    staff_query = query.replace("myTickets", "tickets").replace("myOrders", "orders")
    staff = await shop.manager.execute(staff_query)
    assert "FORBIDDEN" not in codes(staff)
    assert [e for e in staff.errors or [] if not e.extensions] == []


async def test_nothing_is_written_when_a_mutation_selects_a_forbidden_field(shop: Shop) -> None:
    result = await shop.portal.execute(
        """mutation { createTicket(input: {type: CONSULTATION, subject: "Hi", body: "Hello"})
             { ticket { id sentiment { label } } } }"""
    )
    assert codes(result) == {"FORBIDDEN"}
    assert (await shop.portal("{ myTickets { totalCount } }"))["myTickets"]["totalCount"] == 1


async def test_typename_and_introspection_are_allowed(shop: Shop, gql: GraphQLClient) -> None:
    portal = as_customer(gql, shop.ada["id"])  # where introspection is on (not production)
    data = await portal(
        "{ __typename viewer { __typename } __schema { queryType { name } } "
        '__type(name: "Ticket") { fields { name } } }'
    )
    assert data["__typename"] == "Query"
    assert data["__schema"] == {"queryType": {"name": "Query"}}


async def test_nested_objects_are_the_customers_own(shop: Shop) -> None:
    ticket = await shop.portal(
        """mutation($order: ID!) { createTicket(input: {type: COMPLAINT, subject: "Late",
             body: "Where is it?", orderId: $order}) { ticket { id } userErrors { code } } }""",
        order=shop.ada_order["id"],
    )
    assert ticket["createTicket"]["userErrors"] == []
    data = await shop.portal(
        """{ myTickets { edges { node { customer { id } order { id customer { id } } } } }
             myOrders { edges { node { customer { id } } } } }"""
    )
    tickets = [e["node"] for e in data["myTickets"]["edges"]]
    assert {t["customer"]["id"] for t in tickets} == {shop.ada["id"]}
    assert [t["order"] for t in tickets if t["order"]] == [
        {"id": shop.ada_order["id"], "customer": {"id": shop.ada["id"]}}
    ]
    assert data["myOrders"]["edges"] == [{"node": {"customer": {"id": shop.ada["id"]}}}]


async def test_subscriptions_are_forbidden(shop: Shop) -> None:
    job = await shop.manager(
        "mutation { startSegmentation(input: {}) { job { id } userErrors { code } } }"
    )
    job_id = job["startSegmentation"]["job"]["id"]
    for query in (
        f'subscription {{ jobProgress(id: "{job_id}") {{ status }} }}',
        f'subscription {{ jobProgress(id: "{job_id}") {{ __typename }} }}',
    ):
        result = await shop.portal.first_event(query)
        assert codes(result) == {"FORBIDDEN"}, result.errors
        assert result.data is None


CREATE = """mutation($input: CreateTicketInput!) { createTicket(input: $input) {
  ticket { id subject channel priority customer { id } } userErrors { field code } } }"""


async def test_a_customer_opens_tickets_for_themselves_by_web(shop: Shop) -> None:
    data = await shop.portal(CREATE, input={"type": "CONSULTATION", "subject": "Hi", "body": "?"})
    ticket = data["createTicket"]["ticket"]
    assert ticket["channel"] == "WEB"
    assert ticket["priority"] == "NORMAL"
    assert ticket["customer"] == {"id": shop.ada["id"]}
    given = {"type": "CONSULTATION", "subject": "Chat", "body": "?", "channel": "CHAT"}
    own = {**given, "customerId": shop.ada["id"]}
    assert (await shop.portal(CREATE, input=own))["createTicket"]["ticket"]["channel"] == "CHAT"
    listed = await shop.portal("{ myTickets { totalCount } }")
    assert listed["myTickets"]["totalCount"] == 3


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"customerId": "bob"}, [{"field": "customerId", "code": "INVALID"}]),
        ({"customerId": UNKNOWN_ORDER}, [{"field": "customerId", "code": "INVALID"}]),
        ({"orderId": "bob"}, [{"field": "orderId", "code": "NOT_FOUND"}]),
        ({"orderId": UNKNOWN_ORDER}, [{"field": "orderId", "code": "NOT_FOUND"}]),
        ({"priority": "URGENT"}, [{"field": "priority", "code": "INVALID"}]),
    ],
)
async def test_a_customer_cannot_open_tickets_for_others(
    shop: Shop, extra: dict[str, str], expected: list[dict[str, str]]
) -> None:
    replace = {"bob": shop.bob["id"]} if "customerId" in extra else {"bob": shop.bob_order["id"]}
    values = {key: replace.get(value, value) for key, value in extra.items()}
    tickets = TicketRepository(shop.manager.database.db)
    before = await tickets.count({})
    data = await shop.portal(
        CREATE, input={"type": "COMPLAINT", "subject": "Hi", "body": "?", **values}
    )
    assert data["createTicket"] == {"ticket": None, "userErrors": expected}
    assert await tickets.count({}) == before  # nothing written


async def test_staff_still_name_the_customer_and_channel(shop: Shop) -> None:
    data = await shop.manager(CREATE, input={"type": "COMPLAINT", "subject": "Hi", "body": "?"})
    assert data["createTicket"]["userErrors"] == [
        {"field": "customerId", "code": "REQUIRED"},
        {"field": "channel", "code": "REQUIRED"},
    ]
    urgent = {"type": "COMPLAINT", "subject": "Hi", "body": "?", "priority": "URGENT"}
    data = await shop.manager(
        CREATE, input={**urgent, "customerId": shop.bob["id"], "channel": "PHONE"}
    )
    assert data["createTicket"]["ticket"]["priority"] == "URGENT"


MESSAGE = """mutation($id: ID!) { addTicketMessage(ticketId: $id, input: {body: "Any news?"}) {
  ticket { id messages { author authorKind fromCustomer body } } userErrors { field code } } }"""


async def test_a_customer_writes_only_on_their_own_tickets(shop: Shop) -> None:
    data = await shop.portal(MESSAGE, id=shop.ada_ticket["id"])
    assert data["addTicketMessage"]["ticket"]["messages"] == [
        {"author": "Ada Lovelace", "authorKind": "CUSTOMER", "fromCustomer": True,
         "body": "Any news?"}
    ]  # fmt: skip
    data = await shop.portal(MESSAGE, id=shop.bob_ticket["id"])
    assert data["addTicketMessage"] == {
        "ticket": None,
        "userErrors": [{"field": "ticketId", "code": "NOT_FOUND"}],
    }
    bob = await shop.manager(
        "query($id: ID!) { ticket(id: $id) { messages { body } } }", id=shop.bob_ticket["id"]
    )
    assert bob["ticket"]["messages"] == []
