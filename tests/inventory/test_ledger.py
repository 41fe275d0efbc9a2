"""A sale interrupted at any step (the process killed) leaves the ledger consistent, and a
retry, or the recovery sweep, finishes it: the lots, the level and the move agree."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path
from typing import Any

import pytest
from bson import ObjectId

from app.core.settings import Settings
from app.graphql.relay import decode_id
from app.inventory.service import StockService
from tests import factories
from tests.conftest import GraphQLClient
from tests.inventory.stock import receive, status, tracked_product

ROOT = Path(__file__).resolve().parents[2]


async def ledger_state(gql: GraphQLClient, product_id: ObjectId) -> dict[str, object]:
    db = gql.database.db
    level = await db["stock_levels"].find_one({"productId": product_id})
    lots = await db["stock_lots"].find({"levelId": level["_id"]}).to_list()
    moves = await db["stock_moves"].find({"levelId": level["_id"]}).to_list()
    return {
        "onHand": level["onHand"], "reserved": level["reserved"], "value": level["value"],
        "pending": level["pending"], "lots": sorted(lot["remaining"] for lot in lots),
        "moves": sorted((m["kind"], m["state"]) for m in moves),
    }  # fmt: skip


async def paid_orders(
    gql: GraphQLClient, sku: str, units: int, costs: list[str], quantities: list[int]
) -> tuple[ObjectId, list[dict[str, Any]]]:
    """A FIFO product received as ``units`` at each of ``costs``; a paid order per quantity."""
    product = await tracked_product(gql, sku)
    customer = await factories.customer(gql)
    for cost in costs:
        await receive(gql, product["id"], units, cost)
    orders = []
    for quantity in quantities:
        order = await factories.order(gql, customer["id"], [(product["id"], quantity)])
        await status(gql, order["id"], "PAID")
        orders.append(order)
    return decode_id(product["id"], "Product"), orders


@pytest.mark.parametrize("step", ["commit", "lot", "let_go"])
@pytest.mark.parametrize("recovery", ["retry", "sweep"])
async def test_a_sale_killed_midway_is_finished_once(
    gql: GraphQLClient, mongo_url: str, settings: Settings, step: str, recovery: str
) -> None:
    product_id, [order] = await paid_orders(gql, "CRASH", 10, ["5.00", "6.00"], [15])

    env = {**os.environ, "CRM_MONGODB_URL": mongo_url, "CRM_DATABASE": settings.database}
    order_id = str(decode_id(order["id"], "Order"))
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.inventory.crash", order_id, step,
        env=env, cwd=ROOT, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, stderr = await asyncio.wait_for(child.communicate(), timeout=60)
    assert child.returncode == -signal.SIGKILL, stderr.decode()[-2000:]
    crashed = await ledger_state(gql, product_id)
    assert crashed["pending"] is not None  # the level is held by the sale
    assert ("SALE", "PENDING") in crashed["moves"]  # type: ignore[operator]

    if recovery == "retry":
        shipped = await status(gql, order["id"], "SHIPPED")
        assert shipped["order"]["items"][0]["cost"]["amount"] == "80.00"
    else:
        assert (
            await StockService(gql.database.db).recover(
                older_than=__import__("datetime").timedelta(0)
            )
            == 1
        )
        shipped = await status(gql, order["id"], "SHIPPED")  # the order still says PAID
        assert shipped["order"]["items"][0]["cost"]["amount"] == "80.00"
    assert await ledger_state(gql, product_id) == {
        "onHand": 5, "reserved": 0, "value": 3_000, "pending": None, "lots": [0, 5],
        "moves": [("RECEIPT", "DONE"), ("RECEIPT", "DONE"), ("SALE", "DONE")],
    }  # fmt: skip


async def test_orders_of_one_product_shipped_at_once_take_each_unit_once(
    gql: GraphQLClient,
) -> None:
    product_id, orders = await paid_orders(gql, "RUSH", 4, ["1.00", "2.00"], [2, 2, 2, 2])
    shipped = await asyncio.gather(*(status(gql, o["id"], "SHIPPED") for o in orders))
    costs = sorted(s["order"]["items"][0]["cost"]["amount"] for s in shipped)
    assert costs == ["2.00", "2.00", "4.00", "4.00"]  # FIFO, one move at a time on the level
    assert await ledger_state(gql, product_id) == {
        "onHand": 0, "reserved": 0, "value": 0, "pending": None, "lots": [0, 0],
        "moves": [("RECEIPT", "DONE")] * 2 + [("SALE", "DONE")] * 4,
    }  # fmt: skip
