"""Order rules at their limits: totals that would not fit a 64-bit integer are refused."""

from __future__ import annotations

from tests import factories
from tests.conftest import GraphQLClient
from tests.factories import CREATE_ORDER


async def test_a_total_past_the_money_limit_is_out_of_range_and_writes_nothing(
    gql: GraphQLClient,
) -> None:
    customer = await factories.customer(gql)
    yacht = await factories.product(gql, sku="YACHT", price="9999999999999.99")
    lines = [{"productId": yacht["id"], "quantity": 10_000}] * 3
    data = await gql(CREATE_ORDER, input={"customerId": customer["id"], "items": lines})
    assert data["createOrder"]["order"] is None
    assert [(e["field"], e["code"]) for e in data["createOrder"]["userErrors"]] == [
        ("items", "OUT_OF_RANGE")
    ]
    assert (await gql("{ orders { totalCount } }"))["orders"]["totalCount"] == 0
