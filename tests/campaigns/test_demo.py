"""The demo's campaigns: a completed test with a real effect, and a factorial one running."""

from __future__ import annotations

from app.core.db import Database
from app.demo.campaigns import campaign_demo
from app.demo.load import seed
from tests.conftest import GraphQLClient

CAMPAIGNS = """{ campaigns(first: 5) { edges { node { id name status } } } }"""
RESULTS = """query($id: ID!) { campaignResults(campaignId: $id) {
  recommendation reason winner srmPValue effects { name pValue }
  variants { key exposed conversions conversionLift { relativeLift sequentialCiLow } }
  holdout { exposed } } }"""


async def test_the_demo_has_a_finished_winner_and_a_running_factorial_test(
    gql: GraphQLClient, database: Database
) -> None:
    await seed(database.db, progress=False)
    counts = await campaign_demo(database.db, gql.settings)
    assert counts["campaigns"] == 2
    listed = (await gql(CAMPAIGNS))["campaigns"]["edges"]
    by_status = {edge["node"]["status"]: edge["node"] for edge in listed}
    assert set(by_status) == {"COMPLETED", "RUNNING"}
    done = (await gql(RESULTS, id=by_status["COMPLETED"]["id"]))["campaignResults"]
    assert (done["recommendation"], done["winner"]) == ("WINNER", "free-shipping"), done["reason"]
    assert done["variants"][1]["conversionLift"]["sequentialCiLow"] > 0
    running = (await gql(RESULTS, id=by_status["RUNNING"]["id"]))["campaignResults"]
    assert running["recommendation"] == "KEEP_RUNNING"
    assert len(running["variants"]) == 4
    assert running["holdout"]["exposed"] > 0
    assert {e["name"] for e in running["effects"]} >= {"tone=urgent", "offer=10pct"}
