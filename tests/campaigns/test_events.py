"""Recording events: checked whole, idempotent, one variant per customer."""

from __future__ import annotations

from datetime import timedelta

from app.campaigns.repository import CampaignEventRepository
from tests.campaigns.history import (
    NOW,
    RECORD,
    START,
    customer_documents,
    gid,
    insert_customers,
    running_campaign,
)
from tests.conftest import GraphQLClient

CREATE_DRAFT = """mutation($input: CreateCampaignInput!) { createCampaign(input: $input) {
  campaign { id } userErrors { code } } }"""


def event(
    customer: str, variant: str = "b", kind: str = "EXPOSED", days: float = 1, **extra: object
) -> dict[str, object]:
    return {"customerId": customer, "variant": variant, "event": kind,
            "at": (START + timedelta(days=days)).isoformat(), **extra}  # fmt: skip


async def stored(gql: GraphQLClient) -> int:
    return await CampaignEventRepository(gql.database.db).count({})


async def test_bad_events_are_refused_whole(gql: GraphQLClient) -> None:
    a, b = map(gid, await insert_customers(gql.database.db, customer_documents(2)))
    campaign = await running_campaign(gql)
    bad = [
        event(a),
        event(b, variant="nope"),
        event(a, days=-3),
        event(a, kind="OPENED", revenue="5.00"),
        {**event(b, variant="control"), "at": (NOW + timedelta(days=2)).isoformat()},
        event("not-an-id"),
    ]
    payload = (await gql(RECORD, id=campaign["id"], events=bad))["recordCampaignEvents"]
    # A malformed ID is refused before the events are read against the campaign.
    problems = {(e["field"], e["code"]) for e in payload["userErrors"]}
    assert problems == {("events.5.customerId", "INVALID")}
    without_bad_id = bad[:5]
    payload = (await gql(RECORD, id=campaign["id"], events=without_bad_id))["recordCampaignEvents"]
    assert {(e["field"], e["code"]) for e in payload["userErrors"]} == {
        ("events.1.variant", "INVALID"),
        ("events.2.at", "OUT_OF_RANGE"),
        ("events.3.revenue", "INVALID"),
        ("events.4.at", "OUT_OF_RANGE"),
    }
    assert payload["recorded"] == 0
    assert await stored(gql) == 0


async def test_events_are_idempotent_and_a_customer_keeps_one_variant(gql: GraphQLClient) -> None:
    a, b = map(gid, await insert_customers(gql.database.db, customer_documents(2)))
    campaign = await running_campaign(gql)
    batch = [event(a), event(a, kind="OPENED", days=1.5), event(b, variant="control"),
             event(b, kind="CONVERTED", variant="control", days=2, revenue="12.50")]  # fmt: skip
    first = (await gql(RECORD, id=campaign["id"], events=batch))["recordCampaignEvents"]
    assert (first["recorded"], first["duplicates"], first["userErrors"]) == (4, 0, [])
    repeat = (await gql(RECORD, id=campaign["id"], events=batch))["recordCampaignEvents"]
    assert (repeat["recorded"], repeat["duplicates"]) == (0, 4)
    assert await stored(gql) == 4
    switched = await gql(RECORD, id=campaign["id"], events=[event(a, variant="control", days=3)])
    errors = switched["recordCampaignEvents"]["userErrors"]
    assert [(e["field"], e["code"]) for e in errors] == [("events.0.variant", "INVALID")]
    assert "belongs to variant 'b'" in errors[0]["message"]
    within = [event(a, days=4), event(a, variant="control", days=4.5)]
    mixed = (await gql(RECORD, id=campaign["id"], events=within))["recordCampaignEvents"]
    assert [e["field"] for e in mixed["userErrors"]] == ["events.1.variant"]


async def test_a_draft_takes_no_events_and_a_call_takes_at_most_a_thousand(
    gql: GraphQLClient,
) -> None:
    (a,) = map(gid, await insert_customers(gql.database.db, customer_documents(1)))
    draft = (await gql(CREATE_DRAFT, input={
        "name": "Draft", "channel": "SMS",
        "variants": [{"key": "control", "weight": 0.5}, {"key": "b", "weight": 0.5}]}))  # fmt: skip
    draft_id = draft["createCampaign"]["campaign"]["id"]
    refused = (await gql(RECORD, id=draft_id, events=[event(a)]))["recordCampaignEvents"]
    assert [(e["field"], e["code"]) for e in refused["userErrors"]] == [
        ("campaignId", "INVALID_TRANSITION")
    ]
    campaign = await running_campaign(gql)
    many = [event(a, days=1 + i / 10_000) for i in range(1_001)]
    too_many = (await gql(RECORD, id=campaign["id"], events=many))["recordCampaignEvents"]
    assert [(e["field"], e["code"]) for e in too_many["userErrors"]] == [("events", "OUT_OF_RANGE")]
    assert await stored(gql) == 0
