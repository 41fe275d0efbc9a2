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
