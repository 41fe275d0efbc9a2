"""Propensity end to end through the API: training on a planted signal, scores with reasons,
the audience filter, and the errors a caller can cause. The API runs at 400 customers (the
embedded store writes about 2 ms an order); test_training.py proves the learning at 2,000."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bson import ObjectId

from app.auth.roles import Role
from app.customers.graphql.audience import audience_ids
from app.customers.graphql.inputs import CustomerFilter
from app.propensity.graphql.inputs import PropensityFilter
from app.propensity.models import PropensityTarget
from tests.conftest import GraphQLClient, as_customer, run_jobs
from tests.propensity.history import AS_OF, insert

START = """mutation($input: StartPropensityTrainingInput!) {
    startPropensityTraining(input: $input) {
        job { id status kind } userErrors { field code message } } }"""
JOB = """query($id: ID!) { job(id: $id) { status error { code message }
    result { ... on PropensityTrainingResult { model { id target horizonDays model auc
        liftAtTopDecile brier featureImportances { feature importance } rules active
        candidates { model auc liftAtTopDecile brier } baselines { name auc liftAtTopDecile }
        customerCount notes } } } } }"""
CUSTOMERS = """query($f: CustomerFilter, $after: String) {
    customers(first: 100, filter: $f, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id propensity(target: CHURN) { score percentile
        reasons { feature value effect } model { id active } } } } } }"""
MODELS = "{ propensityModels(first: 10) { edges { node { id target model active } } } }"


async def train(gql: GraphQLClient, **input_: Any) -> dict[str, Any]:
    data = await gql(START, input={"asOf": AS_OF.isoformat(), "horizonDays": 60, **input_})
    assert data["startPropensityTraining"]["userErrors"] == []
    job_id = data["startPropensityTraining"]["job"]["id"]
    await run_jobs(gql.database, gql.settings)
    job: dict[str, Any] = (await gql(JOB, id=job_id))["job"]
    return job


async def test_auto_training_finds_the_planted_signal_and_beats_recency(
    gql: GraphQLClient,
) -> None:
    _, orders = await insert(gql.database.db, 400)
    assert orders > 3_500
    job = await train(gql, target="CHURN")
    assert job["status"] == "SUCCEEDED", job["error"]
    model = job["result"]["model"]
    assert model["active"]
    assert model["target"] == "CHURN"
    assert model["horizonDays"] == 60
    assert {c["model"] for c in model["candidates"]} == {
        "DECISION_TREE", "SVM", "LOGISTIC", "GRADIENT_BOOSTING"
    }  # fmt: skip
    assert model["auc"] == max(c["auc"] for c in model["candidates"])
    recency = next(b for b in model["baselines"] if b["name"] == "RECENCY")
    assert model["auc"] > 0.7
    assert model["auc"] > recency["auc"] + 0.05
    assert model["liftAtTopDecile"] > 1.5
    # The signal is the complaint: its features carry the model.
    top = {f["feature"] for f in model["featureImportances"][:3]}
    assert top & {"complaintShare", "sentiment"}
    assert model["rules"]
    assert all("churn (n=" in rule for rule in model["rules"])

    first = await gql(CUSTOMERS, f={"propensity": {"target": "CHURN", "topPercent": 20}})
    listed = first["customers"]
    scored = model["customerCount"]
    assert abs(listed["totalCount"] - scored * 0.2) <= 1
    node = listed["edges"][0]["node"]["propensity"]
    assert node["percentile"] >= 80
    assert node["model"]["active"]
    assert 3 <= len(node["reasons"]) <= 5
    assert node["reasons"][0]["feature"]

    # minScore combines with the filter's own fields; the count is the scores' own.
    likely = {"propensity": {"target": "CHURN", "minScore": 0.5}, "lifecycleStage": ["CUSTOMER"]}
    counted = (await gql(CUSTOMERS, f=likely))["customers"]["totalCount"]
    stored = await gql.database.db["propensity_scores"].count_documents(
        {"runId": {"$exists": True}, "score": {"$gte": 0.5}}
    )
    assert counted == stored > 0

    # The reusable audience: the same customers, in ID batches.
    selection = CustomerFilter(
        propensity=PropensityFilter(target=PropensityTarget.CHURN, top_percent=20)
    )
    ids = [i async for batch in audience_ids(gql.database.db, selection) for i in batch]
    assert len(ids) == listed["totalCount"]
    assert ids == sorted(ids)


async def test_too_few_churners_fail_with_insufficient_data_and_the_counts(
    gql: GraphQLClient,
) -> None:
    await insert(gql.database.db, 30)
    job = await train(gql, target="CHURN", model="DECISION_TREE")
    assert job["status"] == "FAILED"
    assert job["error"]["code"] == "INSUFFICIENT_DATA"
    assert "positives" in job["error"]["message"]
    assert "negatives" in job["error"]["message"]


async def test_a_horizon_longer_than_the_history_is_refused_and_queues_nothing(
    gql: GraphQLClient,
) -> None:
    await insert(gql.database.db, 20)
    for days, field in ((200, "horizonDays"), (3, "horizonDays"), (400, "horizonDays")):
        data = await gql(START, input={"target": "REPURCHASE", "horizonDays": days})
        payload = data["startPropensityTraining"]
        assert payload["job"] is None
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, "OUT_OF_RANGE")]
    future = (AS_OF + timedelta(days=3650)).isoformat()
    data = await gql(START, input={"target": "CHURN", "horizonDays": 30, "asOf": future})
    assert data["startPropensityTraining"]["userErrors"][0]["field"] == "asOf"
    assert await gql.database.db["jobs"].count_documents({}) == 0


async def test_the_same_idempotency_key_returns_the_same_job(gql: GraphQLClient) -> None:
    await insert(gql.database.db, 20)
    input_ = {"target": "REPURCHASE", "horizonDays": 30, "idempotencyKey": "train-1"}
    first = (await gql(START, input=input_))["startPropensityTraining"]["job"]
    again = (await gql(START, input=input_))["startPropensityTraining"]["job"]
    assert first["id"] == again["id"]
    assert first["kind"] == "PROPENSITY_TRAINING"
    reused = await gql(START, input={**input_, "horizonDays": 40})
    assert reused["startPropensityTraining"]["userErrors"][0]["code"] == "IDEMPOTENCY_KEY_REUSED"


async def test_a_filter_without_a_model_or_mixed_with_segment_is_a_typed_error(
    gql: GraphQLClient,
) -> None:
    query = "query($f: CustomerFilter) { customers(filter: $f) { totalCount } }"
    no_model = await gql.errors(query, f={"propensity": {"target": "CHURN", "topPercent": 10}})
    assert no_model[0]["extensions"]["code"] == "INVALID_FILTER"
    mixed = {"propensity": {"target": "CHURN"}, "segment": {"runId": "U2VnbWVudGF0aW9uUnVuOjE="}}
    assert (await gql.errors(query, f=mixed))[0]["extensions"]["code"] == "INVALID_FILTER"
    bad = await gql.errors(query, f={"propensity": {"target": "CHURN", "topPercent": 0}})
    assert bad[0]["extensions"]["code"] == "INVALID_FILTER"


async def test_agents_cannot_train_and_a_customer_never_sees_propensity(
    gql: GraphQLClient, as_role: Any
) -> None:
    agent = await as_role(Role.AGENT)
    errors = await agent.errors(START, input={"target": "CHURN", "horizonDays": 30})
    assert errors[0]["extensions"]["code"] == "FORBIDDEN"
    assert (await agent.errors(MODELS))[0]["extensions"]["code"] == "FORBIDDEN"
    analyst = await as_role(Role.ANALYST)
    assert (await analyst(MODELS))["propensityModels"]["edges"] == []
    customer = as_customer(gql, str(ObjectId()))
    mine = "{ viewer { customer { propensity(target: CHURN) { score } } } }"
    assert (await customer.errors(mine))[0]["extensions"]["code"] == "FORBIDDEN"
