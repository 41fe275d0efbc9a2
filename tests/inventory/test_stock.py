"""Receipts, adjustments, transfers and reorder rules: what they do, and what they refuse
(each refusal a typed userError with nothing written)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from bson import ObjectId

from app.inventory.order_stock import ORPHAN_HOLD_AGE
from app.inventory.recovery import StockRecovery
from app.inventory.reports import suggest
from app.inventory.repository import StockLevelRepository
from tests import factories
from tests.conftest import GraphQLClient
from tests.inventory.stock import LEVEL, VALUATION, receive, tracked_product

ERRORS = "userErrors { field code message }"
ADJUST = f"""mutation($input: AdjustStockInput!) {{
  adjustStock(input: $input) {{ stockLevel {{ {LEVEL} }} {ERRORS} }} }}"""
TRANSFER = f"""mutation($input: TransferStockInput!) {{
  transferStock(input: $input) {{ source {{ {LEVEL} }} destination {{ {LEVEL} }} {ERRORS} }} }}"""
WAREHOUSE = f"""mutation($code: String!) {{ createWarehouse(input: {{code: $code, name: "Two"}}) {{
  warehouse {{ id code }} {ERRORS} }} }}"""
RULE = f"""mutation($input: SetReorderRuleInput!) {{
  setReorderRule(input: $input) {{ stockLevel {{ reorderRule {{ min max multiple leadTimeDays }} }}
  {ERRORS} }} }}"""
MOVES = "{ stockMoves { totalCount } }"


def codes(payload: dict[str, Any]) -> list[tuple[str, str]]:
    return [(error["field"], error["code"]) for error in payload["userErrors"]]


async def test_bad_receipts_are_refused_and_write_nothing(gql: GraphQLClient) -> None:
    product = await tracked_product(gql, "REC")
    plain = await factories.product(gql, sku="PLAIN")
    refused = [
        await receive(gql, product["id"], 0, "1.00"),
        await receive(gql, product["id"], -5, "1.00"),
        await receive(gql, plain["id"], 5, "1.00"),
        await receive(gql, "UHJvZHVjdDo2NTRiMWMyZDNlNGY1YTZiN2M4ZDllMGY", 5, "1.00"),
        await receive(gql, product["id"], 5, "-1.00"),
        await receive(gql, product["id"], 5, "1.001"),
        await gql_receive_in(gql, product["id"], "EUR"),
    ]
    assert [codes(r) for r in refused] == [
        [("quantity", "OUT_OF_RANGE")],
        [("quantity", "OUT_OF_RANGE")],
        [("productId", "INVALID")],
        [("productId", "NOT_FOUND")],
        [("unitCost", "OUT_OF_RANGE")],
        [("unitCost", "INVALID")],
        [("unitCost.currency", "CURRENCY_MISMATCH")],
    ]
    assert all(r["stockLevel"] is None for r in refused)
    assert (await gql(MOVES))["stockMoves"]["totalCount"] == 0


async def gql_receive_in(gql: GraphQLClient, product_id: str, currency: str) -> dict[str, Any]:
    return await receive_with(gql, product_id, {"amount": "1.00", "currency": currency})


async def receive_with(gql: GraphQLClient, product_id: str, cost: dict[str, str]) -> dict[str, Any]:
    from tests.inventory.stock import RECEIVE

    data = await gql(RECEIVE, input={"productId": product_id, "quantity": 1, "unitCost": cost})
    return data["receiveStock"]  # type: ignore[no-any-return]


async def test_moves_are_recorded_in_the_order_they_happen(gql: GraphQLClient) -> None:
    product = await tracked_product(gql, "DATED")
    now = datetime.now(UTC)
    first = await receive(
        gql, product["id"], 5, "1.00", receivedAt=(now - timedelta(days=2)).isoformat()
    )
    assert first["userErrors"] == []
    late = await receive(
        gql, product["id"], 5, "1.00", receivedAt=(now - timedelta(days=3)).isoformat()
    )
    assert codes(late) == [("receivedAt", "INVALID")]
    future = await receive(
        gql, product["id"], 5, "1.00", receivedAt=(now + timedelta(days=1)).isoformat()
    )
    assert codes(future) == [("receivedAt", "OUT_OF_RANGE")]
    assert (await gql(MOVES))["stockMoves"]["totalCount"] == 1


async def test_adjustments_count_differences_but_never_below_zero(gql: GraphQLClient) -> None:
    product = await tracked_product(gql, "ADJ", "AVERAGE")
    await receive(gql, product["id"], 4, "2.50")
    lost = (await gql(ADJUST, input={"productId": product["id"], "quantityDelta": -1,
                                     "reason": "broken"}))["adjustStock"]  # fmt: skip
    assert lost["stockLevel"]["onHand"] == 3
    assert lost["stockLevel"]["value"]["amount"] == "7.50"
    found = (await gql(ADJUST, input={"productId": product["id"], "quantityDelta": 2,
                                      "reason": "recount"}))["adjustStock"]  # fmt: skip
    assert (found["stockLevel"]["onHand"], found["stockLevel"]["value"]["amount"]) == (5, "12.50")
    too_many = (await gql(ADJUST, input={"productId": product["id"], "quantityDelta": -6,
                                         "reason": "x"}))["adjustStock"]  # fmt: skip
    assert codes(too_many) == [("quantityDelta", "INSUFFICIENT_STOCK")]
    nothing = (await gql(ADJUST, input={"productId": product["id"], "quantityDelta": 0,
                                        "reason": " "}))["adjustStock"]  # fmt: skip
    assert codes(nothing) == [("quantityDelta", "OUT_OF_RANGE"), ("reason", "REQUIRED")]


async def test_a_transfer_moves_units_at_their_cost(gql: GraphQLClient) -> None:
    product = await tracked_product(gql, "MOVE")
    await receive(gql, product["id"], 10, "4.00")
    await receive(gql, product["id"], 10, "5.00")
    second = (await gql(WAREHOUSE, code="sh-01"))["createWarehouse"]["warehouse"]
    assert second["code"] == "SH-01"
    duplicate = (await gql(WAREHOUSE, code="SH-01"))["createWarehouse"]
    assert codes(duplicate) == [("code", "DUPLICATE")]
    main = (await gql("{ warehouses { id code } }"))["warehouses"]
    main_id = next(w["id"] for w in main if w["code"] == "MAIN")
    values = {"productId": product["id"], "fromWarehouseId": main_id,
              "toWarehouseId": second["id"], "quantity": 12}  # fmt: skip
    moved = (await gql(TRANSFER, input=values))["transferStock"]
    assert moved["userErrors"] == []
    assert (moved["source"]["onHand"], moved["source"]["value"]["amount"]) == (8, "40.00")
    assert (moved["destination"]["onHand"], moved["destination"]["value"]["amount"]) == (
        12,
        "50.00",
    )
    same = (await gql(TRANSFER, input={**values, "toWarehouseId": main_id}))["transferStock"]
    assert codes(same) == [("toWarehouseId", "INVALID")]
    short = (await gql(TRANSFER, input={**values, "quantity": 9}))["transferStock"]
    assert codes(short) == [("quantity", "INSUFFICIENT_STOCK")]
    total = (await gql(VALUATION))["inventoryValuation"]["totals"]
    assert total == [{"amount": "90.00", "currency": "USD"}]  # a transfer changes no value


async def test_reorder_rules_and_suggestions(gql: GraphQLClient) -> None:
    product = await tracked_product(gql, "LOW")
    await receive(gql, product["id"], 3, "1.00")
    rule = {"productId": product["id"], "min": 5, "max": 22, "multiple": 10, "leadTimeDays": 3}
    saved = (await gql(RULE, input=rule))["setReorderRule"]
    assert saved["stockLevel"]["reorderRule"] == {"min": 5, "max": 22, "multiple": 10,
                                                   "leadTimeDays": 3}  # fmt: skip
    bad = (await gql(RULE, input={**rule, "max": 4, "multiple": 0}))["setReorderRule"]
    assert codes(bad) == [("max", "INVALID"), ("multiple", "OUT_OF_RANGE")]
    suggested = await gql(
        "{ reorderSuggestions { product { sku } available reorderPoint suggestedQuantity reason } }"
    )
    [row] = suggested["reorderSuggestions"]
    assert (row["available"], row["reorderPoint"], row["suggestedQuantity"]) == (3, 5, 20)
    assert "min 5" in row["reason"]
    below = await gql("{ stockLevels(filter: {belowReorderPoint: true}) { totalCount } }")
    assert below["stockLevels"]["totalCount"] == 1


async def test_a_valuation_as_of_a_past_time_stays_what_it_was(gql: GraphQLClient) -> None:
    product = await tracked_product(gql, "PAST")
    now = datetime.now(UTC)
    await receive(gql, product["id"], 2, "3.00", receivedAt=(now - timedelta(days=5)).isoformat())
    await receive(gql, product["id"], 1, "4.00")
    past = await gql(VALUATION, asOf=(now - timedelta(days=1)).isoformat())
    assert past["inventoryValuation"]["totals"] == [{"amount": "6.00", "currency": "USD"}]
    current = await gql(VALUATION)
    assert current["inventoryValuation"]["totals"] == [{"amount": "10.00", "currency": "USD"}]


async def test_the_sweep_releases_reservations_of_orders_never_written(gql: GraphQLClient) -> None:
    product = await tracked_product(gql, "ORPHAN")
    await receive(gql, product["id"], 5, "1.00")
    levels = StockLevelRepository(gql.database.db)
    [level] = await levels.collection.find({}).to_list()
    old = datetime.now(UTC) - ORPHAN_HOLD_AGE - timedelta(minutes=1)
    assert await levels.reserve(level["_id"], ObjectId(), 2, old)  # its order died unwritten
    customer = await factories.customer(gql)
    await factories.order(gql, customer["id"], [(product["id"], 1)])  # a live reservation
    assert await StockRecovery(gql.database.db).run_once() == 1
    after = await levels.collection.find_one({"_id": level["_id"]})
    assert (after["available"], after["reserved"], len(after["holds"])) == (4, 1, 1)
    assert after["oldestHoldAt"] == after["holds"][0]["at"]  # the sweep's mark moves on


@pytest.mark.parametrize("field", ["receiveStock", "adjustStock"])
async def test_stock_changes_are_audited(gql: GraphQLClient, field: str) -> None:
    product = await tracked_product(gql, "AUDIT")
    await receive(gql, product["id"], 5, "1.00")
    if field == "adjustStock":
        await gql(ADJUST, input={"productId": product["id"], "quantityDelta": -1, "reason": "x"})
    log = await gql("{ auditLog { edges { node { mutation objectType } } } }")
    mutations = [edge["node"] for edge in log["auditLog"]["edges"]]
    assert {"mutation": field, "objectType": "StockLevel"} in mutations


def test_a_reorder_point_from_demand_covers_lead_time_and_safety_stock() -> None:
    days = {f"2026-01-{n:02d}": 2 for n in range(1, 31)} | {
        f"2026-02-{n:02d}": 2 for n in range(1, 16)
    }
    level = {"_id": "p:w", "available": 5, "reorderRule": None}
    suggestion = suggest(level, days)  # 45 days of 2 units, 45 of none: mean 1, sigma 1
    assert suggestion is not None
    assert suggestion.reorder_point == 12  # ceil(1 x 7 + 1.645 x 1 x sqrt(7))
    assert suggestion.quantity == 9  # up to two lead times of demand (14), less the 5 there
    assert suggest({**level, "available": 13}, days) is None
    assert suggest(level, {}) is None  # no demand and no rule: nothing to say
