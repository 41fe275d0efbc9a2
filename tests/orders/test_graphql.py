"""Orders: server-computed totals, all-or-nothing creation, status transitions."""

from __future__ import annotations

from typing import Any

from tests import factories
from tests.conftest import GraphQLClient

UPDATE_STATUS = """
mutation($id: ID!, $status: OrderStatus!, $note: String) {
  updateOrderStatus(id: $id, status: $status, note: $note) {
    order { status statusHistory { status note } }
    userErrors { field code message }
  }
}"""


async def shop(gql: GraphQLClient) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    customer = await factories.customer(gql)
    pen = await factories.product(gql, sku="PEN", price="2.50")
    desk = await factories.product(gql, sku="DESK", price="199.99")
    return customer, pen, desk


async def test_order_total_is_computed_from_catalogue_prices(gql: GraphQLClient) -> None:
    customer, pen, desk = await shop(gql)
    order = await factories.order(gql, customer["id"], [(pen["id"], 3), (desk["id"], 1)])
    assert order["number"] == "SO-000001"
    assert order["status"] == "PENDING"
    assert order["total"] == {"amount": "207.49", "currency": "USD"}
    assert [i["lineTotal"]["amount"] for i in order["items"]] == ["7.50", "199.99"]
    second = await factories.order(gql, customer["id"], [(pen["id"], 1)])
    assert second["number"] == "SO-000002"
    data = await gql(
        """query($n: String!) { orderByNumber(number: $n) {
            customer { name } items { product { sku } } } }""",
        n="so-000001",
    )
    assert data["orderByNumber"]["customer"]["name"] == "Ada Lovelace"
    assert [i["product"]["sku"] for i in data["orderByNumber"]["items"]] == ["PEN", "DESK"]


async def test_order_with_one_bad_line_writes_nothing(gql: GraphQLClient) -> None:
    customer, pen, desk = await shop(gql)
    unknown = "UHJvZHVjdDo2NTRiMWMyZDNlNGY1YTZiN2M4ZDllMGY"  # Product:<unknown ObjectId>
    lines = [
        {"productId": pen["id"], "quantity": 1},
        {"productId": desk["id"], "quantity": 0},
        {"productId": unknown, "quantity": 1},
        {"productId": "garbage", "quantity": 1},
    ]
    data = await gql(factories.CREATE_ORDER, input={"customerId": customer["id"], "items": lines})
    payload = data["createOrder"]
    assert payload["order"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        ("items.3.productId", "INVALID")
    ]
    lines.pop()
    data = await gql(factories.CREATE_ORDER, input={"customerId": customer["id"], "items": lines})
    errors = {(e["field"], e["code"]) for e in data["createOrder"]["userErrors"]}
    assert errors == {("items.1.quantity", "OUT_OF_RANGE"), ("items.2.productId", "NOT_FOUND")}
    assert (await gql("{ orders { totalCount } }"))["orders"]["totalCount"] == 0


async def test_order_rules(gql: GraphQLClient) -> None:
    customer, pen, _ = await shop(gql)
    euro = await factories.product(gql, sku="EURO", price="1.00", currency="EUR")
    retired = await factories.product(gql, sku="OLD", active=False)
    cases = [
        ({"items": []}, ("items", "REQUIRED")),
        (
            {"items": [{"productId": pen["id"], "quantity": -2}]},
            ("items.0.quantity", "OUT_OF_RANGE"),
        ),
        ({"items": [{"productId": pen["id"], "quantity": 1}] * 101}, ("items", "OUT_OF_RANGE")),
        (
            {
                "items": [
                    {"productId": pen["id"], "quantity": 1},
                    {"productId": euro["id"], "quantity": 1},
                ]
            },
            ("items.1.productId", "INVALID"),
        ),
        (
            {"items": [{"productId": retired["id"], "quantity": 1}]},
            ("items.0.productId", "INVALID"),
        ),
        (
            {
                "items": [{"productId": pen["id"], "quantity": 1}],
                "placedAt": "2999-01-01T00:00:00Z",
            },
            ("placedAt", "OUT_OF_RANGE"),
        ),
        (
            {"items": [{"productId": pen["id"], "quantity": 1}], "customerId": pen["id"]},
            ("customerId", "INVALID"),
        ),
    ]
    for values, expected in cases:
        data = await gql(factories.CREATE_ORDER, input={"customerId": customer["id"], **values})
        errors = [(e["field"], e["code"]) for e in data["createOrder"]["userErrors"]]
        assert errors == [expected], values
    assert (await gql("{ orders { totalCount } }"))["orders"]["totalCount"] == 0


async def test_status_moves_along_allowed_transitions_only(gql: GraphQLClient) -> None:
    customer, pen, _ = await shop(gql)
    order = await factories.order(gql, customer["id"], [(pen["id"], 1)])
    data = await gql(UPDATE_STATUS, id=order["id"], status="SHIPPED")
    assert [(e["field"], e["code"]) for e in data["updateOrderStatus"]["userErrors"]] == [
        ("status", "INVALID_TRANSITION")
    ]
    for status in ("PAID", "SHIPPED", "DELIVERED", "REFUNDED"):
        data = await gql(UPDATE_STATUS, id=order["id"], status=status, note=f"now {status}")
        assert data["updateOrderStatus"]["userErrors"] == []
    history = data["updateOrderStatus"]["order"]["statusHistory"]
    assert [h["status"] for h in history] == ["PENDING", "PAID", "SHIPPED", "DELIVERED", "REFUNDED"]
    assert history[-1]["note"] == "now REFUNDED"
    data = await gql(UPDATE_STATUS, id=order["id"], status="PAID")
    assert data["updateOrderStatus"]["userErrors"][0]["code"] == "INVALID_TRANSITION"


async def test_customer_stats_leave_out_cancelled_orders(gql: GraphQLClient) -> None:
    customer, pen, desk = await shop(gql)
    await factories.order(gql, customer["id"], [(pen["id"], 2)], placedAt="2025-01-01T10:00:00Z")
    cancelled = await factories.order(
        gql, customer["id"], [(desk["id"], 1)], placedAt="2025-03-01T10:00:00Z"
    )
    await gql(UPDATE_STATUS, id=cancelled["id"], status="CANCELLED")
    data = await gql(
        """query($id: ID!) { customer(id: $id) { stats {
            orderCount totalSpent { amount currency } lastOrderAt } } }""",
        id=customer["id"],
    )
    assert data["customer"]["stats"] == {
        "orderCount": 1,
        "totalSpent": {"amount": "5.00", "currency": "USD"},
        "lastOrderAt": "2025-03-01T10:00:00+00:00",
    }


async def test_orders_filter_by_status_customer_and_date(gql: GraphQLClient) -> None:
    ada, pen, _ = await shop(gql)
    grace = await factories.customer(gql, "Grace Hopper")
    await factories.order(gql, ada["id"], [(pen["id"], 1)], placedAt="2025-01-10T00:00:00Z")
    paid = await factories.order(gql, ada["id"], [(pen["id"], 1)], placedAt="2025-02-10T00:00:00Z")
    await gql(UPDATE_STATUS, id=paid["id"], status="PAID")
    await factories.order(gql, grace["id"], [(pen["id"], 1)], placedAt="2025-02-11T00:00:00Z")

    async def numbers(filter_: dict[str, Any]) -> list[str]:
        data = await gql(
            "query($f: OrderFilter) { orders(filter: $f) { edges { node { number } } } }", f=filter_
        )
        return [e["node"]["number"] for e in data["orders"]["edges"]]

    assert await numbers({"status": ["PAID"]}) == ["SO-000002"]
    assert await numbers({"customerId": ada["id"]}) == ["SO-000002", "SO-000001"]
    assert await numbers(
        {"placedAt": {"gte": "2025-02-01T00:00:00Z", "lt": "2025-02-11T00:00:00Z"}}
    ) == ["SO-000002"]
    errors = await gql.errors('{ orders(filter: {customerId: "nope"}) { totalCount } }')
    assert errors[0]["extensions"]["code"] == "INVALID_ID"
