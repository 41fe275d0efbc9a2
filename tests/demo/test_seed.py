"""Demo data: consistent, deterministic, and loaded only into an empty store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.__main__ import main
from app.core.db import Database
from app.core.settings import Settings
from app.demo.generate import EARLIER_DAYS, HISTORY_DAYS, Generator
from app.demo.load import StoreNotEmpty, queue_forecasts, seed
from tests.conftest import GraphQLClient, run_jobs

AS_OF = datetime(2026, 6, 1, tzinfo=UTC)


def test_same_seed_gives_same_data_and_another_seed_differs() -> None:
    first = Generator(3, AS_OF).build(40)
    again = Generator(3, AS_OF).build(40)
    other = Generator(4, AS_OF).build(40)
    assert first.customers == again.customers
    assert first.orders == again.orders
    assert first.tickets == again.tickets
    assert [c["email"] for c in first.customers] != [c["email"] for c in other.customers]


def test_generated_history_hangs_together() -> None:
    data = Generator(7, AS_OF).build(300)
    customers = {c["_id"]: c for c in data.customers}
    products = {p["_id"] for p in data.products}
    orders = {o["_id"]: o for o in data.orders}
    assert len(data.products) == 40
    recent = [o for o in data.orders if o["placedAt"] > AS_OF - timedelta(days=HISTORY_DAYS)]
    assert 1_200 <= len(recent) <= 1_800
    assert 3_500 <= len(data.orders) <= 5_500  # four years of orders in all
    earliest = min(o["placedAt"] for o in data.orders)
    assert AS_OF - timedelta(days=EARLIER_DAYS + HISTORY_DAYS) <= earliest
    assert all(p["createdAt"] <= earliest for p in data.products)
    recent_ids = {o["_id"] for o in recent}
    assert len(data.tickets) == 600
    assert len({c["email"] for c in data.customers}) == 300
    for order in data.orders:
        customer = customers[order["customerId"]]
        assert customer["createdAt"] <= order["placedAt"] <= AS_OF
        assert all(item["productId"] in products for item in order["items"])
        assert order["total"] == sum(i["unitPrice"] * i["quantity"] for i in order["items"])
    for ticket in data.tickets:
        assert ticket["customerId"] in customers
        if ticket["orderId"] is not None:
            assert ticket["orderId"] in recent_ids  # tickets are about the 18 months' orders
            assert orders[ticket["orderId"]]["customerId"] == ticket["customerId"]
            assert orders[ticket["orderId"]]["number"] in ticket["subject"] + ticket["body"]
    languages = {c["_language"] for c in data.customers}
    assert languages == {"en", "zh"}
    assert {t["type"] for t in data.tickets} == {"CONSULTATION", "FEEDBACK", "COMPLAINT"}
    months = [(o["placedAt"].year, o["placedAt"].month) for o in data.orders]
    assert months.count((2025, 12)) > 1.3 * months.count((2026, 3))  # holidays outsell spring


async def test_seed_loads_a_browsable_crm_and_refuses_a_second_time(
    gql: GraphQLClient, database: Database
) -> None:
    counts = await seed(database.db, customers=12, seed=1, progress=False)
    assert counts["customers"] == 12
    data = await gql("""{ customers(first: 100) { totalCount } orders { totalCount }
        tickets { totalCount }
        products { totalCount } }""")
    assert data["customers"]["totalCount"] == 12
    assert data["orders"]["totalCount"] == counts["orders"]
    assert data["tickets"]["totalCount"] == counts["tickets"]
    assert data["products"]["totalCount"] == 40
    # New orders continue the numbering after the seeded ones.
    number = (await database.db.counters.find_one({"_id": "orders"}) or {}).get("value")
    assert number == counts["orders"]
    stock = await gql("""{ warehouses { code } fulfilments(filter: {status: QUEUED}) { totalCount }
        stockMoves(filter: {kind: SALE}) { totalCount }
        inventoryValuation { totals { amount currency } } }""")
    assert [w["code"] for w in stock["warehouses"]] == ["EAST", "MAIN"]
    assert counts["receipts"] > 12
    assert stock["fulfilments"]["totalCount"] == counts["paid orders"] - 4  # 4 shipped
    assert stock["stockMoves"]["totalCount"] >= 4
    assert stock["inventoryValuation"]["totals"][0]["currency"] == "USD"
    with pytest.raises(StoreNotEmpty):
        await seed(database.db, customers=12, seed=1, progress=False)


def test_cli_seed_and_its_errors(
    mongo_url: str,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("CRM_MONGODB_URL", mongo_url)
    monkeypatch.setenv("CRM_DATABASE", settings.database + "_cli")
    assert main(["seed", "--customers", "5", "--seed", "2"]) == 0
    out = capsys.readouterr().out
    assert "5 customers" in out
    assert "2 forecasts queued" in out
    assert main(["seed", "--customers", "5"]) == 1
    assert "already holds customers" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["seed", "--customers", "0"])
    assert exit_info.value.code == 2
    monkeypatch.setenv("CRM_PORT", "not-a-port")
    assert main(["export-schema"]) == 2
    assert "invalid configuration" in capsys.readouterr().err


async def test_the_demo_forecasts_run_and_show_the_season(
    gql: GraphQLClient, database: Database
) -> None:
    await seed(database.db, progress=False)  # the demo `make run` loads, up to today
    assert await queue_forecasts(database.db, "UTC") == 2
    await run_jobs(database, gql.settings)
    data = await gql("""{
        month: latestSalesForecast(level: TOTAL, interval: MONTH) {
            horizon series { edges { node { unit model history { value }
                forecast { period value } } } } }
        week: latestSalesForecast(level: PRODUCT, interval: WEEK) { horizon seriesCount } }""")
    assert data["week"]["horizon"] == 8
    assert data["week"]["seriesCount"] > 10
    units = next(
        edge["node"] for edge in data["month"]["series"]["edges"] if edge["node"]["unit"] == "UNITS"
    )
    assert len(units["history"]) >= 47  # four years of months: seasons to fit and backtest
    # The demo's holiday season: the December forecast outsells the spring months'.
    by_month = {int(f["period"][5:7]): f["value"] for f in units["forecast"]}
    assert by_month[12] > 1.3 * min(by_month[m] for m in (2, 3, 4))
