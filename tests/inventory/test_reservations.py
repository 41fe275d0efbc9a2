"""Reservations never oversell: each is one guarded update, and an order holds all its
tracked lines or none."""

from __future__ import annotations

import asyncio

from tests import factories
from tests.conftest import GraphQLClient
from tests.inventory.stock import receive, status, tracked_product

ORDER = """
mutation($input: CreateOrderInput!) {
  createOrder(input: $input) { order { id } userErrors { field code message } }
}"""
PRODUCT = "query($id: ID!) { product(id: $id) { available stockLevels { onHand reserved } } }"


async def test_fifty_concurrent_orders_of_one_unit_get_the_ten_units_there_are(
    gql: GraphQLClient,
) -> None:
    product = await tracked_product(gql, "LAST-TEN")
    customer = await factories.customer(gql)
    await receive(gql, product["id"], 10, "3.00")
    line = {"customerId": customer["id"], "items": [{"productId": product["id"], "quantity": 1}]}
    results = await asyncio.gather(*(gql(ORDER, input=line) for _ in range(50)))
    placed = [r["createOrder"] for r in results if r["createOrder"]["order"]]
    refused = [r["createOrder"]["userErrors"] for r in results if not r["createOrder"]["order"]]
    assert len(placed) == 10
    assert len(refused) == 40
    assert {(e[0]["field"], e[0]["code"]) for e in refused} == {
        ("items.0.quantity", "INSUFFICIENT_STOCK")
    }
    assert "Only 0 available" in refused[0][0]["message"]
    stock = (await gql(PRODUCT, id=product["id"]))["product"]
    assert stock == {"available": 0, "stockLevels": [{"onHand": 10, "reserved": 10}]}
    count = await gql("{ orders { totalCount } }")
    assert count["orders"]["totalCount"] == 10


async def test_lines_of_one_product_are_checked_on_their_sum_and_nothing_stays_held(
    gql: GraphQLClient,
) -> None:
    bolt, nut = await tracked_product(gql, "BOLT"), await tracked_product(gql, "NUT")
    customer = await factories.customer(gql)
    await receive(gql, bolt["id"], 5, "1.00")
    await receive(gql, nut["id"], 3, "1.00")
    items = [
        {"productId": bolt["id"], "quantity": 2},
        {"productId": nut["id"], "quantity": 2},
        {"productId": nut["id"], "quantity": 2},
    ]
    data = await gql(ORDER, input={"customerId": customer["id"], "items": items})
    assert data["createOrder"]["order"] is None
    error = data["createOrder"]["userErrors"][0]
    assert (error["field"], error["code"]) == ("items.1.quantity", "INSUFFICIENT_STOCK")
    assert "Only 3 available" in error["message"]
    assert "asks for 4" in error["message"]
    # The bolts reserved before the nuts failed are released; no order was written.
    assert (await gql(PRODUCT, id=bolt["id"]))["product"]["available"] == 5
    assert (await gql("{ orders { totalCount } }"))["orders"]["totalCount"] == 0


async def test_cancelling_releases_and_untracked_products_move_no_stock(gql: GraphQLClient) -> None:
    tracked = await tracked_product(gql, "KEPT")
    untracked = await factories.product(gql, sku="FREE")
    customer = await factories.customer(gql)
    await receive(gql, tracked["id"], 4, "2.00")
    order = await factories.order(gql, customer["id"], [(tracked["id"], 3), (untracked["id"], 9)])
    assert (await gql(PRODUCT, id=tracked["id"]))["product"]["available"] == 1
    assert (await gql(PRODUCT, id=untracked["id"]))["product"] == {
        "available": 0, "stockLevels": []
    }  # fmt: skip
    await status(gql, order["id"], "CANCELLED")
    assert (await gql(PRODUCT, id=tracked["id"]))["product"]["available"] == 4
