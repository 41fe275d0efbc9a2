"""Sales forecasts end to end: the job through the API, the series it writes, bad input."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from bson import ObjectId

from app.graphql.relay import encode_id
from app.jobs.repository import JobRepository
from app.orders.repository import OrderRepository
from tests.conftest import GraphQLClient, run_job, run_jobs
from tests.forecasting.history import AS_OF, build_history, month_start, order

START = """mutation($input: StartSalesForecastInput!) { startSalesForecast(input: $input) {
    job { id kind status } userErrors { field code message } } }"""
JOB = """query($id: ID!) { job(id: $id) { status error { code message }
    result { ... on SalesForecastResult { forecast { id } } } } }"""
FORECAST = """query($id: ID!) { salesForecast(id: $id) {
    id asOf interval horizon level seriesCount seasonLength historyFrom methods
    accuracy { series mase naiveMase beatNaive }
    series(first: 10) { edges { node {
        product { sku } level unit currency model method
        history { period value }
        forecast { period value lower80 upper80 lower95 upper95 }
        backtest { mase smape naiveMase folds } } } } } }"""


async def forecast(gql: GraphQLClient, **input_: Any) -> dict[str, Any]:
    result = await run_job(gql, JOB, START, input={"asOf": AS_OF.isoformat(), **input_})
    data = await gql(FORECAST, id=result["forecast"]["id"])
    found: dict[str, Any] = data["salesForecast"]
    return found


async def test_a_monthly_product_forecast_through_the_api(gql: GraphQLClient) -> None:
    await build_history(gql.database.db)
    result = await forecast(gql, interval="MONTH", horizon=12)
    assert (result["interval"], result["horizon"], result["level"]) == ("MONTH", 12, "PRODUCT")
    assert (result["seriesCount"], result["seasonLength"]) == (3, 12)
    assert result["historyFrom"].startswith(month_start(36).date().isoformat())
    series = {edge["node"]["product"]["sku"]: edge["node"] for edge in result["series"]["edges"]}
    assert set(series) == {"seasonal", "trend", "intermittent"}  # the unsold one: not asked
    seasonal = series["seasonal"]
    assert [p["period"][:10] for p in seasonal["history"][:2]] == ["2023-07-01", "2023-08-01"]
    # The cancelled order (two months back) and the one after asOf add nothing.
    assert max(p["value"] for p in seasonal["history"]) < 100
    assert len(seasonal["forecast"]) == 12
    assert [f["period"][:10] for f in seasonal["forecast"][:2]] == ["2026-07-01", "2026-08-01"]
    for value in seasonal["forecast"]:
        assert 0 <= value["lower95"] <= value["lower80"] <= value["value"]
        assert value["value"] <= value["upper80"] <= value["upper95"]
    # The seasonal product's forecast rises and falls with its history's year.
    shape = [f["value"] for f in seasonal["forecast"]]
    assert max(shape) - min(shape) > 30
    assert series["trend"]["forecast"][-1]["value"] > series["trend"]["history"][-1]["value"]
    for one in series.values():
        assert one["backtest"]["folds"] == 3
        assert one["unit"] == "UNITS"
        assert one["level"] == "PRODUCT"
    assert sum(result["methods"].values()) == 3
    assert result["accuracy"]["series"] == 3


async def test_the_largest_forecast_comes_first_and_pages_follow(gql: GraphQLClient) -> None:
    await build_history(gql.database.db)
    result = await forecast(gql, interval="MONTH", horizon=6)
    page = """query($id: ID!, $after: String) { salesForecast(id: $id) {
        series(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor }
            edges { node { product { sku } forecast { value } } } } } }"""
    first = (await gql(page, id=result["id"]))["salesForecast"]["series"]
    assert first["totalCount"] == 3
    assert first["pageInfo"]["hasNextPage"]
    rest = await gql(page, id=result["id"], after=first["pageInfo"]["endCursor"])
    edges = first["edges"] + rest["salesForecast"]["series"]["edges"]
    totals = [sum(f["value"] for f in edge["node"]["forecast"]) for edge in edges]
    assert totals == sorted(totals, reverse=True)
    assert edges[0]["node"]["product"]["sku"] == "trend"  # the largest and growing


async def test_the_total_forecasts_units_and_revenue(gql: GraphQLClient) -> None:
    await build_history(gql.database.db)
    result = await forecast(gql, interval="MONTH", horizon=3, level="TOTAL")
    nodes = [edge["node"] for edge in result["series"]["edges"]]
    assert [(n["unit"], n["currency"], n["level"]) for n in nodes] == [
        ("REVENUE", "USD", "TOTAL"),  # in cents: the larger total ranks first
        ("UNITS", None, "TOTAL"),
    ]
    revenue, units = nodes
    assert revenue["product"] is None
    # Every product costs $10.00 (1000 cents): revenue is 1000 x units, period by period.
    assert [p["value"] for p in revenue["history"]] == [1000 * p["value"] for p in units["history"]]


async def test_given_products_include_unsold_ones_explained(gql: GraphQLClient) -> None:
    products = await build_history(gql.database.db)
    ids = [encode_id("Product", products[name]["_id"]) for name in ("unsold", "trend")]
    result = await forecast(gql, interval="MONTH", horizon=2, productIds=ids)
    nodes = {edge["node"]["product"]["sku"]: edge["node"] for edge in result["series"]["edges"]}
    assert set(nodes) == {"unsold", "trend"}
    unsold = nodes["unsold"]
    assert (unsold["method"], unsold["backtest"]) == ("ZERO", None)
    assert unsold["model"] == "ZERO: no sales in the history"
    assert {f["value"] for f in unsold["forecast"]} == {0.0}


async def test_the_latest_forecast_per_level_and_interval(gql: GraphQLClient) -> None:
    await build_history(gql.database.db)
    monthly = await forecast(gql, interval="MONTH", horizon=2)
    weekly = await forecast(gql, interval="WEEK", horizon=4)
    latest = """query($level: ForecastLevel!, $interval: ForecastInterval!) {
        latestSalesForecast(level: $level, interval: $interval) { id interval } }"""
    found = await gql(latest, level="PRODUCT", interval="MONTH")
    assert found["latestSalesForecast"]["id"] == monthly["id"]
    found = await gql(latest, level="PRODUCT", interval="WEEK")
    assert found["latestSalesForecast"]["id"] == weekly["id"]
    assert (await gql(latest, level="TOTAL", interval="MONTH"))["latestSalesForecast"] is None


async def test_periods_start_at_midnight_in_the_configured_zone(gql: GraphQLClient) -> None:
    products = await build_history(gql.database.db, months=0)
    late = month_start(2) - timedelta(minutes=30)  # 23:30 UTC, the last day of a month
    await OrderRepository(gql.database.db).insert_many([order([(products["trend"], 7)], late)])
    berlin = replace(gql, settings=gql.settings.model_copy(update={"timezone": "Europe/Berlin"}))
    result = await forecast(berlin, interval="MONTH", horizon=1, level="TOTAL")  # 01:30 there
    units = next(e["node"] for e in result["series"]["edges"] if e["node"]["unit"] == "UNITS")
    sold = [p for p in units["history"] if p["value"]]
    berlin_midnight = month_start(2) - timedelta(hours=2)  # summer time: UTC+2
    assert sold == [{"period": berlin_midnight.isoformat(), "value": 7.0}]


@pytest.mark.parametrize(
    ("given", "field", "code"),
    [
        ({"interval": "MONTH", "horizon": 0}, "horizon", "OUT_OF_RANGE"),
        ({"interval": "MONTH", "horizon": 37}, "horizon", "OUT_OF_RANGE"),
        ({"interval": "WEEK", "horizon": 157}, "horizon", "OUT_OF_RANGE"),
        ({"interval": "DAY", "horizon": 1096}, "horizon", "OUT_OF_RANGE"),
        ({"interval": "DAY", "horizon": 7, "asOf": "2999-01-01T00:00:00Z"}, "asOf", "OUT_OF_RANGE"),
        ({"interval": "DAY", "horizon": 7, "productIds": ["nope"]}, "productIds.0", "INVALID"),
        ({"interval": "DAY", "horizon": 7, "productIds": []}, "productIds", "INVALID"),
        ({"interval": "DAY", "horizon": 7,
          "productIds": [encode_id("Product", ObjectId()) for _ in range(201)]},
         "productIds", "OUT_OF_RANGE"),
        ({"interval": "DAY", "horizon": 7, "productIds": [encode_id("Product", ObjectId())]},
         "productIds.0", "NOT_FOUND"),
        ({"interval": "DAY", "horizon": 7, "warehouseId": encode_id("Warehouse", ObjectId())},
         "warehouseId", "NOT_FOUND"),
    ],
)  # fmt: skip
async def test_bad_requests_are_refused_and_queue_nothing(
    gql: GraphQLClient, given: dict[str, Any], field: str, code: str
) -> None:
    data = await gql(START, input=given)
    payload = data["startSalesForecast"]
    assert payload["job"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)]
    assert await JobRepository(gql.database.db).count({}) == 0


async def test_one_unknown_product_among_known_ones_is_named(gql: GraphQLClient) -> None:
    products = await build_history(gql.database.db)
    ids = [encode_id("Product", products["trend"]["_id"]), encode_id("Product", ObjectId())]
    payload = await gql(START, input={"interval": "MONTH", "horizon": 3, "productIds": ids})
    errors = payload["startSalesForecast"]["userErrors"]
    assert [(e["field"], e["code"]) for e in errors] == [("productIds.1", "NOT_FOUND")]


async def test_no_sales_before_as_of_fails_the_job_with_a_reason(gql: GraphQLClient) -> None:
    await build_history(gql.database.db)
    early = month_start(40).isoformat()  # before the first order
    data = await gql(START, input={"interval": "MONTH", "horizon": 3, "asOf": early})
    job_id = data["startSalesForecast"]["job"]["id"]
    await run_jobs(gql.database, gql.settings)
    job = (await gql(JOB, id=job_id))["job"]
    assert job["status"] == "FAILED"
    assert job["error"]["code"] == "NOT_ENOUGH_DATA"
    assert "No revenue orders" in job["error"]["message"]
    assert (await gql("{ salesForecasts { totalCount } }"))["salesForecasts"]["totalCount"] == 0
