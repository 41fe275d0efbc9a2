"""Test data made through the public API (GraphQL mutations), so tests exercise real rules."""

from __future__ import annotations

from typing import Any

from tests.conftest import GraphQLClient

CREATE_CUSTOMER = """
mutation($input: CreateCustomerInput!) {
  createCustomer(input: $input) {
    customer { id name email lifecycleStage tags createdAt }
    userErrors { field code message }
  }
}"""

CREATE_PRODUCT = """
mutation($input: CreateProductInput!) {
  createProduct(input: $input) {
    product { id sku name price { amount currency } active }
    userErrors { field code message }
  }
}"""

CREATE_ORDER = """
mutation($input: CreateOrderInput!) {
  createOrder(input: $input) {
    order { id number status total { amount currency } placedAt
            items { sku quantity unitPrice { amount } lineTotal { amount } } }
    userErrors { field code message }
  }
}"""

CREATE_TICKET = """
mutation($input: CreateTicketInput!) {
  createTicket(input: $input) {
    ticket { id number status priority type channel subject }
    userErrors { field code message }
  }
}"""


def ok(payload: dict[str, Any], key: str) -> dict[str, Any]:
    assert payload["userErrors"] == [], payload["userErrors"]
    node: dict[str, Any] = payload[key]
    return node


async def customer(gql: GraphQLClient, name: str = "Ada Lovelace", **fields: Any) -> dict[str, Any]:
    email = fields.pop("email", f"{name.split()[0].lower()}@example.com")
    data = await gql(CREATE_CUSTOMER, input={"name": name, "email": email, **fields})
    return ok(data["createCustomer"], "customer")


async def product(
    gql: GraphQLClient, sku: str = "SKU-1", price: str = "10.00", **fields: Any
) -> dict[str, Any]:
    values = {"sku": sku, "name": f"Product {sku}", "price": price, "currency": "USD", **fields}
    data = await gql(CREATE_PRODUCT, input=values)
    return ok(data["createProduct"], "product")


async def order(
    gql: GraphQLClient, customer_id: str, items: list[tuple[str, int]], **fields: Any
) -> dict[str, Any]:
    lines = [{"productId": pid, "quantity": qty} for pid, qty in items]
    data = await gql(CREATE_ORDER, input={"customerId": customer_id, "items": lines, **fields})
    return ok(data["createOrder"], "order")


async def ticket(gql: GraphQLClient, customer_id: str, **fields: Any) -> dict[str, Any]:
    values = {
        "customerId": customer_id,
        "type": "COMPLAINT",
        "channel": "EMAIL",
        "subject": "Parcel late",
        "body": "My parcel has not arrived.",
        **fields,
    }
    data = await gql(CREATE_TICKET, input=values)
    return ok(data["createTicket"], "ticket")


UNKNOWN_AGENT = "QWdlbnQ6NjU0YjFjMmQzZTRmNWE2YjdjOGQ5ZTBm"  # Agent:654b1c2d3e4f5a6b7c8d9e0f
UNKNOWN_TEAM = "VGVhbTo2NTRiMWMyZDNlNGY1YTZiN2M4ZDllMGY"  # Team:654b1c2d3e4f5a6b7c8d9e0f
CREATE_AGENT = """
mutation($input: AgentInput!) {
  createAgent(input: $input) {
    agent { id name email capacity openTickets status languages teams { name } }
    userErrors { field code message }
  }
}"""

CREATE_TEAM = """
mutation($input: TeamInput!) {
  createTeam(input: $input) { team { id name strategy } userErrors { field code message } }
}"""

CREATE_RULE = """
mutation($input: RuleInput!) {
  createRule(input: $input) {
    rule { id name event position active fireCount
           conditions { all { field operator value tag } any { field operator value tag } }
           actions { type params } }
    userErrors { field code message }
  }
}"""


async def team(gql: GraphQLClient, name: str = "Support", **fields: Any) -> dict[str, Any]:
    data = await gql(CREATE_TEAM, input={"name": name, **fields})
    return ok(data["createTeam"], "team")


async def agent(gql: GraphQLClient, name: str = "Bo", **fields: Any) -> dict[str, Any]:
    values = {"name": name, "email": f"{name.lower()}@crm.example", "status": "ONLINE", **fields}
    data = await gql(CREATE_AGENT, input=values)
    return ok(data["createAgent"], "agent")


async def rule(
    gql: GraphQLClient,
    event: str,
    actions: list[dict[str, Any]],
    all: list[dict[str, Any]] | None = None,
    any: list[dict[str, Any]] | None = None,
    **fields: Any,
) -> dict[str, Any]:
    values = {
        "name": fields.pop("name", f"rule {len(actions)} {event} {id(actions)}"),
        "event": event,
        "conditions": {"all": all or [], "any": any or []},
        "actions": actions,
        **fields,
    }
    data = await gql(CREATE_RULE, input=values)
    return ok(data["createRule"], "rule")
