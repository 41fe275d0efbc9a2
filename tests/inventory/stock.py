"""Stock operations through the API, for the inventory tests."""

from __future__ import annotations

from typing import Any

from tests import factories
from tests.conftest import GraphQLClient

LEVEL = "product { sku } onHand reserved available value { amount currency }"
RECEIVE = f"""
mutation($input: ReceiveStockInput!) {{
  receiveStock(input: $input) {{ stockLevel {{ {LEVEL} }} userErrors {{ field code message }} }}
}}"""
STATUS = """
mutation($id: ID!, $status: OrderStatus!, $restock: Boolean! = true) {
  updateOrderStatus(id: $id, status: $status, restock: $restock) {
    order { status grossMargin { amount } items { quantity cost { amount currency } } }
    userErrors { field code message }
  }
}"""
VALUATION = """
query($asOf: DateTime) {
  inventoryValuation(asOf: $asOf) {
    rows { product { sku } quantity value { amount } } totals { amount currency }
  }
}"""


async def tracked_product(gql: GraphQLClient, sku: str, method: str = "FIFO") -> dict[str, Any]:
    return await factories.product(
        gql, sku=sku, price="20.00", trackInventory=True, costingMethod=method
    )


async def receive(
    gql: GraphQLClient, product_id: str, quantity: int, unit_cost: str, **fields: Any
) -> dict[str, Any]:
    values = {"productId": product_id, "quantity": quantity,
              "unitCost": {"amount": unit_cost, "currency": "USD"}, **fields}  # fmt: skip
    data = await gql(RECEIVE, input=values)
    return data["receiveStock"]  # type: ignore[no-any-return]


async def status(gql: GraphQLClient, order_id: str, *statuses: str, **args: Any) -> Any:
    """Move an order through ``statuses``; the last payload."""
    payload: Any = None
    for value in statuses:
        payload = (await gql(STATUS, id=order_id, status=value, **args))["updateOrderStatus"]
        assert payload["userErrors"] == [], payload["userErrors"]
    return payload
