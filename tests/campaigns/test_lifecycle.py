"""Designing a campaign, its states, and the design frozen once it runs."""

from __future__ import annotations

from tests.campaigns.history import (
    CREATE,
    START,
    START_CAMPAIGN,
    customer_documents,
    gid,
    insert_customers,
    running_campaign,
)
from tests.campaigns.test_assignment import VARIANT
from tests.conftest import GraphQLClient

UPDATE = """mutation($id: ID!, $input: UpdateCampaignInput!) {
  updateCampaign(id: $id, input: $input) {
    campaign { id name variants { key weight } holdoutPercent }
    userErrors { field code message } } }"""
MOVE = """mutation($id: ID!) {
  stop: stopCampaign(id: $id) { campaign { status } userErrors { code } } }"""
RESUME = (
    """mutation($id: ID!) { startCampaign(id: $id) { campaign { status } userErrors { code } } }"""
)
COMPLETE = """mutation($id: ID!) { completeCampaign(id: $id) {
  campaign { status completedAt endAt } userErrors { code } } }"""
LIST = """query($filter: CampaignFilter) { campaigns(first: 10, filter: $filter) {
  totalCount edges { node { name status } } } }"""

VARIANTS = [{"key": "control", "weight": 0.5}, {"key": "b", "weight": 0.5}]


def base(**fields: object) -> dict[str, object]:
    return {"name": "Winter sale", "channel": "EMAIL", "variants": VARIANTS, **fields}


async def test_bad_designs_are_refused_with_typed_errors_and_nothing_is_written(
    gql: GraphQLClient,
) -> None:
    cases = {
        "variants": base(variants=[{"key": "a", "weight": 0.5}, {"key": "b", "weight": 0.4}]),
        "variants.1.weight": base(
            variants=[{"key": "a", "weight": 1.2}, {"key": "b", "weight": -0.2}]
        ),
        "holdoutPercent": base(holdoutPercent=95),
        "windowDays": base(windowDays=0),
        "endAt": base(startAt="2026-01-10T00:00:00Z", endAt="2026-01-01T00:00:00Z"),
        "variants.0.key": base(
            variants=[{"key": "holdout", "weight": 0.5}, {"key": "b", "weight": 0.5}]
        ),
    }
    for field, values in cases.items():
        refused = (await gql(CREATE, input=values))["createCampaign"]
        assert refused["campaign"] is None
        assert field in {error["field"] for error in refused["userErrors"]}, refused
    one = (await gql(CREATE, input=base(variants=[{"key": "a", "weight": 1.0}])))["createCampaign"]
    assert [e["code"] for e in one["userErrors"]] == ["INVALID"]
    duplicate = base(variants=[{"key": "a", "weight": 0.5}, {"key": "a", "weight": 0.5}])
    twice = (await gql(CREATE, input=duplicate))["createCampaign"]
    assert [e["code"] for e in twice["userErrors"]] == ["DUPLICATE"]
    assert (await gql(LIST))["campaigns"]["totalCount"] == 0


async def test_the_design_is_editable_in_a_draft_and_fixed_once_running(gql: GraphQLClient) -> None:
    created = (await gql(CREATE, input=base()))["createCampaign"]["campaign"]
    assert created["status"] == "DRAFT"
    assert len(created["seed"]) == 16
    three = [{"key": "control", "weight": 0.4}, {"key": "b", "weight": 0.3},
             {"key": "c", "weight": 0.3}]  # fmt: skip
    edited = (await gql(UPDATE, id=created["id"], input={"variants": three}))["updateCampaign"]
    assert [v["key"] for v in edited["campaign"]["variants"]] == ["control", "b", "c"]
    started = (await gql(START_CAMPAIGN, id=created["id"]))["startCampaign"]["campaign"]
    assert started["status"] == "RUNNING"
    assert started["startedAt"] is not None
    frozen = await gql(UPDATE, id=created["id"], input={"variants": VARIANTS, "holdoutPercent": 5})
    errors = frozen["updateCampaign"]["userErrors"]
    assert {(e["field"], e["code"]) for e in errors} == {
        ("variants", "INVALID_TRANSITION"),
        ("holdoutPercent", "INVALID_TRANSITION"),
    }
    renamed = await gql(UPDATE, id=created["id"], input={"name": "Winter sale II"})
    assert renamed["updateCampaign"]["campaign"]["name"] == "Winter sale II"
    assert [v["weight"] for v in renamed["updateCampaign"]["campaign"]["variants"]] == [
        0.4,
        0.3,
        0.3,
    ]
    assert (await gql(MOVE, id=created["id"]))["stop"]["campaign"]["status"] == "STOPPED"
    assert (await gql(RESUME, id=created["id"]))["startCampaign"]["campaign"]["status"] == "RUNNING"
    done = (await gql(COMPLETE, id=created["id"]))["completeCampaign"]["campaign"]
    assert done["status"] == "COMPLETED"
    assert done["endAt"] is not None
    again = (await gql(RESUME, id=created["id"]))["startCampaign"]
    assert [e["code"] for e in again["userErrors"]] == ["INVALID_TRANSITION"]
    listed = await gql(LIST, filter={"status": ["COMPLETED"]})
    nodes = [edge["node"] for edge in listed["campaigns"]["edges"]]
    assert nodes == [{"name": "Winter sale II", "status": "COMPLETED"}]


async def test_names_are_unique_regardless_of_case(gql: GraphQLClient) -> None:
    await running_campaign(gql, name="Black Friday")
    twin = (await gql(CREATE, input=base(name="black friday")))["createCampaign"]
    assert [(e["field"], e["code"]) for e in twin["userErrors"]] == [("name", "DUPLICATE")]


async def test_factors_make_every_combination_with_the_first_levels_as_control(
    gql: GraphQLClient,
) -> None:
    factors = [{"name": "tone", "levels": ["plain", "urgent"]},
               {"name": "offer", "levels": ["none", "10pct", "free-shipping"]}]  # fmt: skip
    made = await gql(CREATE, input={"name": "Grid", "channel": "EMAIL", "factors": factors})
    campaign = made["createCampaign"]["campaign"]
    assert made["createCampaign"]["userErrors"] == []
    levels = [v["levels"] for v in campaign["variants"]]
    assert levels[0] == ["plain", "none"]
    assert sorted(map(tuple, levels)) == sorted(
        (tone, offer)
        for tone in ("plain", "urgent")
        for offer in ("none", "10pct", "free-shipping")
    )
    assert abs(sum(v["weight"] for v in campaign["variants"]) - 1) < 1e-9
    missing = [{"key": "a", "weight": 0.5, "levels": ["plain", "none"]},
               {"key": "b", "weight": 0.5, "levels": ["urgent", "none"]}]  # fmt: skip
    refused = await gql(CREATE, input={"name": "Grid 2", "channel": "SMS", "factors": factors,
                                        "variants": missing})  # fmt: skip
    assert [e["field"] for e in refused["createCampaign"]["userErrors"]] == ["variants"]


async def test_a_campaign_starts_counting_at_its_given_start(gql: GraphQLClient) -> None:
    campaign = await running_campaign(gql)
    assert campaign["startAt"].startswith(START.date().isoformat())


async def test_a_draft_with_assigned_customers_keeps_its_design(gql: GraphQLClient) -> None:
    (customer,) = await insert_customers(gql.database.db, customer_documents(1))
    created = (await gql(CREATE, input=base()))["createCampaign"]["campaign"]
    await gql(VARIANT, c=created["id"], customer=gid(customer))
    refused = await gql(UPDATE, id=created["id"], input={"holdoutPercent": 30})
    errors = refused["updateCampaign"]["userErrors"]
    assert [(e["field"], e["code"]) for e in errors] == [("holdoutPercent", "INVALID_TRANSITION")]
    assert "customers are assigned" in errors[0]["message"]


async def test_levels_with_the_key_separator_are_refused(gql: GraphQLClient) -> None:
    factors = [{"name": "a", "levels": ["x", "x_y"]}, {"name": "b", "levels": ["y_z", "z"]}]
    refused = await gql(CREATE, input={"name": "Grid", "channel": "EMAIL", "factors": factors})
    fields = [e["field"] for e in refused["createCampaign"]["userErrors"]]
    assert fields == ["factors.0.levels", "factors.1.levels"]
