"""The demo's propensity models train, and beat recency alone on its data."""

from __future__ import annotations

from app.core.db import Database
from app.demo.load import seed
from app.demo.propensity import queue_propensity
from tests.conftest import GraphQLClient, run_jobs

MODELS = """{ propensityModels(first: 5) { edges { node {
    target model auc liftAtTopDecile active baselines { name auc } rules } } } }"""


async def test_the_demo_models_train_and_beat_recency(
    gql: GraphQLClient, database: Database
) -> None:
    await seed(database.db, progress=False)
    assert await queue_propensity(database.db) == 2
    await run_jobs(database, gql.settings)
    models = [edge["node"] for edge in (await gql(MODELS))["propensityModels"]["edges"]]
    assert sorted(m["target"] for m in models) == ["CHURN", "REPURCHASE"]
    for model in models:
        assert model["active"]
        assert model["rules"]
        recency = next(b["auc"] for b in model["baselines"] if b["name"] == "RECENCY")
        assert model["auc"] > recency
