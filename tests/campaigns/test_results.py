"""Results judged on the CRM's own orders: a planted effect is found, no effect is not, a
broken split is flagged, and factorial campaigns report their effects."""

from __future__ import annotations

from datetime import timedelta

from app.campaigns.assignment import Assigner
from tests.campaigns.history import (
    RESULTS,
    START,
    customer_documents,
    gid,
    insert_customers,
    insert_orders,
    order_document,
    planted,
    record,
    running_campaign,
)
from tests.campaigns.test_assignment import ASSIGN, JOB
from tests.conftest import GraphQLClient, run_job

COMPLETE = """mutation($id: ID!) { completeCampaign(id: $id) { userErrors { code } } }"""
STOP = """mutation($id: ID!) { stopCampaign(id: $id) { userErrors { code } } }"""


async def results(gql: GraphQLClient, campaign_id: str) -> dict:  # type: ignore[type-arg]
    data: dict = (await gql(RESULTS, id=campaign_id))["campaignResults"]  # type: ignore[type-arg]
    return data


async def test_a_planted_lift_on_orders_is_a_winner(gql: GraphQLClient) -> None:
    db = gql.database.db
    customers = await insert_customers(db, customer_documents(2_000))
    campaign = await running_campaign(gql)
    events, orders, _ = planted(customers, {"control": 0.08, "b": 0.18})
    await record(gql, campaign["id"], events)
    await insert_orders(db, orders)
    found = await results(gql, campaign["id"])
    control, b = found["variants"]
    assert (control["key"], control["exposed"], b["exposed"]) == ("control", 1_000, 1_000)
    assert 0.05 < control["conversionRate"] < 0.11
    assert 0.14 < b["conversionRate"] < 0.22
    lift = b["conversionLift"]
    assert lift["pValue"] < 0.001
    assert lift["sequentialSignificant"]
    assert lift["ciLow"] > 0
    assert lift["sequentialCiLow"] > 0
    assert lift["sequentialCiLow"] <= lift["ciLow"] <= lift["relativeLift"] <= lift["ciHigh"]
    assert lift["chanceToBeatControl"] > 0.99
    assert control["conversionLift"] is None
    assert found["srmFlagged"] is False
    assert found["srmPValue"] > 0.5
    assert (found["recommendation"], found["winner"]) == ("WINNER", "b")
    assert "conversion rate" in found["reason"]
    assert float(b["revenuePerExposed"]["amount"]) > float(control["revenuePerExposed"]["amount"])


async def test_orders_outside_the_window_or_before_exposure_do_not_count(
    gql: GraphQLClient,
) -> None:
    db = gql.database.db
    customers = await insert_customers(db, customer_documents(4))
    campaign = await running_campaign(gql, windowDays=7)
    exposed = START + timedelta(days=1)
    keys = ["control", "b", "control", "b"]
    events = [
        {"customerId": gid(c), "variant": key, "event": "EXPOSED", "at": exposed.isoformat()}
        for c, key in zip(customers, keys, strict=True)
    ]

    def converted(customer: int, days: int, revenue: str) -> dict[str, str]:
        at = (exposed + timedelta(days=days)).isoformat()
        return {"customerId": gid(customers[customer]), "variant": keys[customer],
                "event": "CONVERTED", "at": at, "revenue": revenue}  # fmt: skip

    events += [
        converted(3, 2, "40.00"),  # the tool's report: counts
        converted(3, 20, "500.00"),  # after the window: does not
        converted(0, 3, "100.00"),  # the CRM's own order below is the same purchase
    ]
    await record(gql, campaign["id"], events)
    await insert_orders(db, [
        order_document(customers[0], exposed + timedelta(days=3), 10_000),  # counts
        order_document(customers[0], exposed + timedelta(days=5), 2_500),  # counts too
        order_document(customers[1], exposed + timedelta(days=8), 10_000),  # after the window
        order_document(customers[2], exposed - timedelta(hours=1), 10_000),  # before exposure
    ])  # fmt: skip
    control, b = (await results(gql, campaign["id"]))["variants"]
    assert (control["conversions"], control["revenue"]["amount"]) == (1, "125.00")
    assert (b["conversions"], b["revenue"]["amount"]) == (1, "40.00")
    assert control["revenuePerExposed"]["amount"] == "62.50"


async def test_no_effect_keeps_running_then_ends_with_no_difference(gql: GraphQLClient) -> None:
    db = gql.database.db
    customers = await insert_customers(db, customer_documents(2_000))
    campaign = await running_campaign(gql, goal="REVENUE")
    events, orders, _ = planted(customers, {"control": 0.12, "b": 0.12}, seed=11)
    await record(gql, campaign["id"], events)
    await insert_orders(db, orders)
    running = await results(gql, campaign["id"])
    assert running["goal"] == "REVENUE"
    assert running["variants"][1]["revenueLift"]["sequentialSignificant"] is False
    assert running["recommendation"] == "KEEP_RUNNING", running["reason"]
    await gql(STOP, id=campaign["id"])  # paused, not over: still no verdict
    assert (await results(gql, campaign["id"]))["recommendation"] == "KEEP_RUNNING"
    await gql(COMPLETE, id=campaign["id"])
    ended = await results(gql, campaign["id"])
    assert ended["recommendation"] == "NO_DIFFERENCE"
    assert ended["winner"] is None


async def test_a_broken_split_is_flagged_before_anything_else(gql: GraphQLClient) -> None:
    db = gql.database.db
    customers = await insert_customers(db, customer_documents(2_000))
    campaign = await running_campaign(gql)
    # Tracking lost a fifth of b's exposures: 1,000 against 800 on a 50/50 split.
    events, orders, _ = planted(customers, {"control": 0.1, "b": 0.3})
    kept = [e for i, e in enumerate(events) if e["variant"] == "control" or i % 10 >= 2]
    await record(gql, campaign["id"], kept)
    await insert_orders(db, orders)
    found = await results(gql, campaign["id"])
    assert [v["exposed"] for v in found["variants"]] == [1_000, 800]
    assert found["srmFlagged"]
    assert found["srmPValue"] < 0.001
    assert found["recommendation"] == "STOP_SRM"
    assert found["winner"] is None


async def test_the_holdout_measures_the_campaign_as_a_whole(gql: GraphQLClient) -> None:
    db = gql.database.db
    customers = await insert_customers(db, customer_documents(1_000))
    campaign = await running_campaign(gql, holdoutPercent=20, seed="h")
    await run_job(gql, JOB, ASSIGN, id=campaign["id"])
    assigner = Assigner("h", ["control", "b"], [0.5, 0.5], 20)
    exposed = START + timedelta(days=1)
    events, orders = [], []
    for i, customer in enumerate(customers):
        key = assigner.variant(str(customer))
        buys = i % 10 < (1 if key == "holdout" else 3)
        if key != "holdout":
            events.append({"customerId": gid(customer), "variant": key, "event": "EXPOSED",
                           "at": exposed.isoformat()})  # fmt: skip
        if buys:
            orders.append(order_document(customer, exposed + timedelta(days=2), 3_000))
    await record(gql, campaign["id"], events)
    await insert_orders(db, orders)
    holdout = (await results(gql, campaign["id"]))["holdout"]
    assert 150 < holdout["exposed"] < 250
    assert 0.05 < holdout["conversions"] / holdout["exposed"] < 0.15
    assert holdout["conversionLift"]["relativeLift"] > 1
    assert holdout["conversionLift"]["pValue"] < 0.001


async def test_a_factorial_campaign_reports_main_effects_and_the_interaction(
    gql: GraphQLClient,
) -> None:
    db = gql.database.db
    customers = await insert_customers(db, customer_documents(2_400))
    factors = [{"name": "tone", "levels": ["plain", "urgent"]},
               {"name": "offer", "levels": ["none", "discount"]}]  # fmt: skip
    campaign = await running_campaign(gql, variants=None, factors=factors)
    keys = [v["key"] for v in campaign["variants"]]
    # The offer works (6% -> 18%), the tone does nothing, and they do not interact.
    rates = {key: 0.18 if "discount" in key else 0.06 for key in keys}
    events, orders, _ = planted(customers, rates, seed=7)
    await record(gql, campaign["id"], events)
    await insert_orders(db, orders)
    effects = {e["name"]: e for e in (await results(gql, campaign["id"]))["effects"]}
    offer = next(e for name, e in effects.items() if name.startswith("offer") and "×" not in name)
    tone = next(e for name, e in effects.items() if name.startswith("tone") and "×" not in name)
    interaction = next(e for name, e in effects.items() if "×" in name)
    assert offer["pValue"] < 0.001
    assert offer["estimate"] > 0
    assert tone["pValue"] > 0.01
    assert interaction["pValue"] > 0.01
