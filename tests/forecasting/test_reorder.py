"""Reorder suggestions take their demand from the latest sales forecast when there is one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from bson import ObjectId

from app.core.db import Document
from app.forecasting.lead_time import demand_over
from app.graphql.relay import decode_id
from app.orders.repository import OrderRepository
from tests.conftest import GraphQLClient, run_job
from tests.forecasting.history import order
from tests.forecasting.test_graphql import JOB, START
from tests.inventory.stock import receive, tracked_product

SUGGESTIONS = "{ reorderSuggestions { product { sku } reorderPoint suggestedQuantity reason } }"


def monthly_forecast(values: list[float]) -> tuple[Document, Document]:
    starts = [datetime(2026, 12, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)]
    forecast = {"_id": ObjectId(), "timezone": "UTC", "interval": "MONTH",
                "asOf": datetime(2026, 12, 1, tzinfo=UTC)}  # fmt: skip
    points = [
        {"period": start, "value": value, "upper95": value + 1.96 * 2}
        for start, value in zip(starts, values, strict=True)
    ]
    return forecast, {"model": "ETS(A,N,N)", "forecast": points}


def test_lead_time_demand_weighs_the_periods_it_overlaps() -> None:
    forecast, series = monthly_forecast([31.0, 62.0])  # a unit a day, then two
    inside = demand_over(forecast, series, datetime(2026, 12, 10, tzinfo=UTC), 7)
    assert inside is not None
    assert inside.units == pytest.approx(7.0)
    assert inside.sd == pytest.approx(2 * (7 / 31) ** 0.5, rel=1e-4)  # sd 2 a month
    across = demand_over(forecast, series, datetime(2026, 12, 28, tzinfo=UTC), 7)
    assert across is not None
    assert across.units == pytest.approx(4 * 1 + 3 * 2)  # 4 December days, 3 January days
    beyond = demand_over(forecast, series, datetime(2027, 1, 29, tzinfo=UTC), 6)
    assert beyond is not None
    assert beyond.units == pytest.approx(6 * 2)  # 3 days covered; the rest at their rate
    assert demand_over(forecast, series, datetime(2027, 2, 2, tzinfo=UTC), 7) is None  # ended
    assert "ETS(A,N,N)" in inside.source
    assert "monthly as of 2026-12-01" in inside.source


async def test_a_forecast_gives_the_reorder_point_and_says_so(gql: GraphQLClient) -> None:
    product = await tracked_product(gql, "STEADY")
    await receive(gql, product["id"], 5, "1.00")
    assert (await gql(SUGGESTIONS))["reorderSuggestions"] == []  # no stock sold: no demand
    stored = {"_id": decode_id(product["id"], "Product"), "sku": "STEADY", "name": "Steady",
              "price": 2000}  # fmt: skip
    now = datetime.now(UTC)
    monday = (now - timedelta(days=now.weekday())).replace(hour=12, minute=0, second=0)
    # Ten units a day for 26 whole weeks before this one.
    orders = [order([(stored, 10)], monday - timedelta(days=d)) for d in range(1, 26 * 7 + 1)]
    await OrderRepository(gql.database.db).insert_many(orders)

    await run_job(gql, JOB, START, input={"interval": "WEEK", "horizon": 8})

    [row] = (await gql(SUGGESTIONS))["reorderSuggestions"]
    assert row["product"]["sku"] == "STEADY"
    assert "units forecast over 7 days' lead time by SalesForecast" in row["reason"]
    assert "weekly as of" in row["reason"]
    # 70 units a week, every week: the lead time's demand, no error to cover.
    assert row["reorderPoint"] == 70
    assert row["suggestedQuantity"] == 2 * 70 - 5
