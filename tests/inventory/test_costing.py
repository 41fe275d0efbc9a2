"""The costing methods on the textbook case: receipts 10 @ 5.00 and 10 @ 6.00, 15 shipped
(an order of 10, then one of 5), the order of 5 refunded after delivery."""

from __future__ import annotations

from decimal import Decimal

import pytest
from bson import ObjectId

from app.inventory.costing import NotEnoughStock, average_cost, consume
from app.inventory.models import CostingMethod
from tests import factories
from tests.conftest import GraphQLClient
from tests.inventory.stock import VALUATION, receive, status, tracked_product

# method: (cost of the order of 10, of the order of 5, the unit cost the 5 come back at)
TEXTBOOK = {
    "FIFO": ("50.00", "30.00", "6.00"),
    "LIFO": ("60.00", "25.00", "5.00"),
    "AVERAGE": ("55.00", "27.50", "5.50"),
}


@pytest.mark.parametrize("method", TEXTBOOK)
async def test_textbook_costs_returns_and_valuation(gql: GraphQLClient, method: str) -> None:
    product = await tracked_product(gql, f"BOLT-{method}", method)
    customer = await factories.customer(gql)
    assert (await receive(gql, product["id"], 10, "5.00"))["userErrors"] == []
    level = (await receive(gql, product["id"], 10, "6.00"))["stockLevel"]
    assert (level["onHand"], level["available"], level["value"]["amount"]) == (20, 20, "110.00")

    big = await factories.order(gql, customer["id"], [(product["id"], 10)])
    small = await factories.order(gql, customer["id"], [(product["id"], 5)])
    shipped_big = await status(gql, big["id"], "PAID", "SHIPPED")
    shipped_small = await status(gql, small["id"], "PAID", "SHIPPED", "DELIVERED")
    big_cost, small_cost, back_at = TEXTBOOK[method]
    assert shipped_big["order"]["items"][0]["cost"] == {"amount": big_cost, "currency": "USD"}
    assert shipped_small["order"]["items"][0]["cost"]["amount"] == small_cost
    total = Decimal(big_cost) + Decimal(small_cost)
    assert total == {"FIFO": 80, "LIFO": 85, "AVERAGE": Decimal("82.50")}[method]
    assert Decimal(shipped_big["order"]["grossMargin"]["amount"]) == 200 - Decimal(big_cost)

    refunded = await status(gql, small["id"], "REFUNDED")
    assert refunded["order"]["status"] == "REFUNDED"
    moves = await gql(
        "query($id: ID!) { stockMoves(filter: {orderId: $id}) { edges { node { kind quantity "
        "totalCost { amount } lots { quantity unitCost { amount } } } } } }",
        id=small["id"],
    )
    kinds = {edge["node"]["kind"]: edge["node"] for edge in moves["stockMoves"]["edges"]}
    assert kinds["RETURN"]["quantity"] == 5
    assert kinds["RETURN"]["totalCost"]["amount"] == small_cost
    assert {lot["unitCost"]["amount"] for lot in kinds["RETURN"]["lots"]} == {back_at}
    assert kinds["SALE"]["totalCost"]["amount"] == f"-{small_cost}"

    valuation = (await gql(VALUATION))["inventoryValuation"]
    # What is left is worth the receipts (110.00) less the cost of what stayed sold.
    assert valuation["rows"] == [
        {"product": {"sku": f"BOLT-{method}"}, "quantity": 10,
         "value": {"amount": f"{110 - Decimal(big_cost):.2f}"}}
    ]  # fmt: skip
    assert valuation["totals"] == [{"amount": f"{110 - Decimal(big_cost):.2f}", "currency": "USD"}]


def lot(seq: int, remaining: int, unit_cost: int) -> dict[str, object]:
    return {"_id": ObjectId(), "seq": seq, "remaining": remaining, "unitCost": unit_cost}


def test_fifo_and_lifo_take_whole_lots_in_arrival_order_or_against_it() -> None:
    lots = [lot(1, 10, 500), lot(2, 10, 600)]
    fifo = consume(lots, 15, CostingMethod.FIFO, 20, 11_000)
    lifo = consume(lots, 15, CostingMethod.LIFO, 20, 11_000)
    assert [(t.quantity, t.unit_cost) for t in fifo.takes] == [(10, 500), (5, 600)]
    assert [(t.quantity, t.unit_cost) for t in lifo.takes] == [(10, 600), (5, 500)]
    assert (fifo.total_cost, lifo.total_cost) == (8_000, 8_500)


def test_the_average_rounds_half_to_even_and_the_last_unit_takes_what_is_left() -> None:
    assert average_cost(1_000, 3, 1) == 333  # 333.33
    assert average_cost(1_000, 3, 2) == 667  # 666.67
    assert average_cost(5, 2, 1) == 2  # 2.5 rounds to even
    assert average_cost(7, 2, 1) == 4  # 3.5 rounds to even
    assert average_cost(1_000, 3, 3) == 1_000
    taken = consume([lot(1, 3, 333)], 2, CostingMethod.AVERAGE, 3, 1_000)
    assert taken.total_cost == 667


def test_taking_more_than_is_on_hand_is_refused() -> None:
    with pytest.raises(NotEnoughStock):
        consume([lot(1, 4, 100)], 5, CostingMethod.FIFO, 4, 400)
