"""Tickets: creation rules, status moves, conversation, filters and search."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from app.auth.roles import Role
from tests import factories
from tests.conftest import GraphQLClient, as_customer

UPDATE = """
mutation($id: ID!, $input: UpdateTicketInput!) {
  updateTicket(id: $id, input: $input) {
    ticket { status priority assignee { name } resolvedAt }
    userErrors { field code message }
  }
}"""

ADD_MESSAGE = """
mutation($id: ID!, $input: TicketMessageInput!) {
  addTicketMessage(ticketId: $id, input: $input) {
    ticket { messages { author authorKind body internal } firstResponseAt }
    userErrors { field code message }
  }
}"""


async def test_create_ticket_with_order_of_the_customer(gql: GraphQLClient) -> None:
    ada = await factories.customer(gql, "Ada Lovelace")
    pen = await factories.product(gql, sku="PEN")
    order = await factories.order(gql, ada["id"], [(pen["id"], 1)])
    ticket = await factories.ticket(gql, ada["id"], orderId=order["id"], priority="HIGH")
    assert ticket["number"] == "TK-000001"
    assert (ticket["status"], ticket["priority"]) == ("NEW", "HIGH")
    data = await gql(
        """query($n: String!) { ticketByNumber(number: $n) {
            customer { name } order { number } } }""",
        n="TK-000001",
    )
    assert data["ticketByNumber"] == {
        "customer": {"name": "Ada Lovelace"},
        "order": {"number": "SO-000001"},
    }


async def test_ticket_for_another_customers_order_is_refused(gql: GraphQLClient) -> None:
    ada = await factories.customer(gql, "Ada Lovelace")
    grace = await factories.customer(gql, "Grace Hopper")
    pen = await factories.product(gql, sku="PEN")
    order = await factories.order(gql, ada["id"], [(pen["id"], 1)])
    data = await gql(
        factories.CREATE_TICKET,
        input={
            "customerId": grace["id"],
            "orderId": order["id"],
            "type": "COMPLAINT",
            "channel": "EMAIL",
            "subject": "x",
            "body": "y" * 20_001,
        },
    )
    errors = {(e["field"], e["code"]) for e in data["createTicket"]["userErrors"]}
    assert errors == {("orderId", "INVALID"), ("body", "TOO_LONG")}
    assert (await gql("{ tickets { totalCount } }"))["tickets"]["totalCount"] == 0


async def test_ticket_status_machine(gql: GraphQLClient) -> None:
    ada = await factories.customer(gql)
    ticket = await factories.ticket(gql, ada["id"])
    data = await gql(UPDATE, id=ticket["id"], input={"status": "RESOLVED"})
    assert data["updateTicket"]["ticket"]["resolvedAt"] is not None
    data = await gql(UPDATE, id=ticket["id"], input={"status": "OPEN"})
    assert data["updateTicket"]["ticket"]["status"] == "OPEN"
    assert data["updateTicket"]["ticket"]["resolvedAt"] is None
    data = await gql(UPDATE, id=ticket["id"], input={"status": "CLOSED"})
    assert data["updateTicket"]["ticket"]["status"] == "CLOSED"
    data = await gql(UPDATE, id=ticket["id"], input={"status": "OPEN"})
    assert [(e["field"], e["code"]) for e in data["updateTicket"]["userErrors"]] == [
        ("status", "INVALID_TRANSITION")
    ]
    data = await gql(ADD_MESSAGE, id=ticket["id"], input={"body": "hello?"})
    assert data["addTicketMessage"]["userErrors"][0]["code"] == "INVALID_TRANSITION"


async def test_update_ticket_priority_and_assignee(gql: GraphQLClient) -> None:
    ada = await factories.customer(gql)
    ticket = await factories.ticket(gql, ada["id"])
    chen = await factories.agent(gql, "Chen")
    data = await gql(
        UPDATE, id=ticket["id"], input={"priority": "URGENT", "assigneeId": chen["id"]}
    )
    assert data["updateTicket"]["ticket"] == {
        "status": "NEW",
        "priority": "URGENT",
        "assignee": {"name": "Chen"},
        "resolvedAt": None,
    }
    # Free text is no assignee any more: an agent's ID is.
    errors = await gql.errors(UPDATE, id=ticket["id"], input={"assignee": "chen"})
    assert "assignee" in errors[0]["message"]
    data = await gql(UPDATE, id=ticket["id"], input={"assigneeId": factories.UNKNOWN_AGENT})
    assert [(e["field"], e["code"]) for e in data["updateTicket"]["userErrors"]] == [
        ("assigneeId", "NOT_FOUND")
    ]
    # Tags are set with setTicketTags (agent tags), not here.
    errors = await gql.errors(UPDATE, id=ticket["id"], input={"tags": ["praise"]})
    assert "tags" in errors[0]["message"]
    data = await gql(UPDATE, id=ticket["id"], input={"assigneeId": None})
    assert data["updateTicket"]["ticket"]["assignee"] is None


async def test_first_response_is_the_first_public_reply_by_staff(
    as_role: Callable[[Role | None], Awaitable[GraphQLClient]],
) -> None:
    manager = await as_role(Role.MANAGER)
    ada = await factories.customer(manager, "Ada Lovelace", email="ada@example.com")
    ticket = await factories.ticket(manager, ada["id"])
    portal = as_customer(manager, ada["id"])
    data = await portal(ADD_MESSAGE, id=ticket["id"], input={"body": "any news?"})
    assert data["addTicketMessage"]["ticket"]["firstResponseAt"] is None
    data = await manager(ADD_MESSAGE, id=ticket["id"], input={"body": "note", "internal": True})
    assert data["addTicketMessage"]["ticket"]["firstResponseAt"] is None
    data = await manager(ADD_MESSAGE, id=ticket["id"], input={"body": "On its way!"})
    ticket_after = data["addTicketMessage"]["ticket"]
    assert ticket_after["firstResponseAt"] is not None
    # Authors come from the credentials: the customer's name, the key's name.
    assert [(m["author"], m["authorKind"]) for m in ticket_after["messages"]] == [
        ("Ada Lovelace", "CUSTOMER"),
        ("MANAGER key", "STAFF"),
        ("MANAGER key", "STAFF"),
    ]
    # The customer's credential sees no internal notes, and writes none.
    data = await portal(ADD_MESSAGE, id=ticket["id"], input={"body": "ok", "internal": True})
    assert [(e["field"], e["code"]) for e in data["addTicketMessage"]["userErrors"]] == [
        ("internal", "INVALID")
    ]
    data = await portal(ADD_MESSAGE, id=ticket["id"], input={"body": "thanks"})
    assert [m["body"] for m in data["addTicketMessage"]["ticket"]["messages"]] == [
        "any news?",
        "On its way!",
        "thanks",
    ]
    errors = await portal.errors("{ tickets { totalCount } }")
    assert errors[0]["extensions"]["code"] == "FORBIDDEN"
    data = await manager(ADD_MESSAGE, id=ticket["id"], input={"body": ""})
    errors = {(e["field"], e["code"]) for e in data["addTicketMessage"]["userErrors"]}
    assert errors == {("body", "REQUIRED")}


async def test_tickets_filter_sort_and_search(gql: GraphQLClient) -> None:
    ada = await factories.customer(gql, "Ada Lovelace")
    grace = await factories.customer(gql, "Grace Hopper")
    await factories.ticket(
        gql, ada["id"], subject="Refund please", body="Charged twice", priority="LOW"
    )
    t2 = await factories.ticket(
        gql, grace["id"], type="FEEDBACK", subject="Love it", body="Great app", priority="URGENT"
    )
    await factories.ticket(
        gql, grace["id"], subject="快递太慢", body="包裹 还没到", type="CONSULTATION"
    )
    await gql(
        'mutation($id: ID!) { setTicketTags(ticketId: $id, tags: ["praise"]) { ticket { id } } }',
        id=t2["id"],
    )

    async def numbers(args: str) -> list[str]:
        data = await gql(f"{{ tickets({args}) {{ edges {{ node {{ number }} }} }} }}")
        return [e["node"]["number"] for e in data["tickets"]["edges"]]

    assert await numbers("filter: {type: [FEEDBACK, CONSULTATION]}") == ["TK-000003", "TK-000002"]
    assert await numbers(f'filter: {{customerId: "{ada["id"]}"}}') == ["TK-000001"]
    assert await numbers('filter: {tags: {any: ["praise"]}}') == ["TK-000002"]
    assert await numbers('filter: {tags: {any: ["praise", "pricing"]}}') == ["TK-000002"]
    assert await numbers('filter: {tags: {all: ["praise"]}}') == ["TK-000002"]
    assert await numbers('filter: {tags: {all: ["praise", "pricing"]}}') == []
    assert await numbers("orderBy: [{field: PRIORITY, direction: DESC}]") == [
        "TK-000002",
        "TK-000003",
        "TK-000001",
    ]
    assert await numbers('search: "twice"') == ["TK-000001"]
    assert await numbers('search: "包裹"') == ["TK-000003"]
    data = await gql(
        """query($id: ID!) { customer(id: $id) {
            tickets { totalCount edges { node { number } } } } }""",
        id=grace["id"],
    )
    assert data["customer"]["tickets"]["totalCount"] == 2
