"""Sales forecasts end to end: the job through the API, the series it writes, bad input."""

from __future__ import annotations

from typing import Any

from tests.conftest import GraphQLClient, run_job
from tests.forecasting.history import AS_OF, build_history, month_start

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
    products = await build_history(gql.database.db)
    result = await forecast(gql, interval="MONTH", horizon=12)
    assert (result["interval"], result["horizon"], result["level"]) == ("MONTH", 12, "PRODUCT")
    series = {edge["node"]["product"]["sku"]: edge["node"] for edge in result["series"]["edges"]}
    assert set(series) == {"seasonal", "trend", "intermittent"}  # unsold: not asked for
    seasonal = series["seasonal"]
    assert len(seasonal["history"]) == 36
    assert seasonal["history"][0]["period"].startswith(month_start(36).date().isoformat())
    assert seasonal["forecast"][0]["period"].startswith(AS_OF.date().isoformat())
    print(result["methods"], {k: (v["model"], v["backtest"]) for k, v in series.items()})
    del products
