"""Campaign fixtures: customers inserted in bulk, campaigns made through the API, and orders
whose effect is planted."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from bson import ObjectId

from app.core.db import Document, MongoDatabase
from app.customers.repository import CustomerRepository
from app.graphql.relay import encode_id
from app.orders.repository import OrderRepository
from tests.conftest import GraphQLClient

NOW = datetime.now(UTC).replace(microsecond=0)
START = NOW - timedelta(days=30)

CREATE = """mutation($input: CreateCampaignInput!) { createCampaign(input: $input) {
  campaign { id name status seed holdoutPercent startAt
             variants { key name weight content levels } factors { name levels } audience }
  userErrors { field code message } } }"""
START_CAMPAIGN = """mutation($id: ID!) { startCampaign(id: $id) {
  campaign { id status startedAt startAt } userErrors { field code message } } }"""
RECORD = """mutation($id: ID!, $events: [CampaignEventInput!]!) {
  recordCampaignEvents(campaignId: $id, events: $events) {
    recorded duplicates userErrors { field code message } } }"""
RESULTS = """query($id: ID!) { campaignResults(campaignId: $id) {
  goal srmPValue srmFlagged recommendation reason winner
  variants { key exposed opened clicked conversions conversionRate assigned
             revenue { amount currency } revenuePerExposed { amount }
             conversionLift { absoluteLift relativeLift ciLow ciHigh pValue adjustedPValue
                              chanceToBeatControl sequentialCiLow sequentialCiHigh
                              sequentialSignificant }
             revenueLift { absoluteLift relativeLift pValue sequentialSignificant } }
  holdout { key exposed conversions conversionLift { relativeLift pValue } }
  effects { name estimate stdError pValue } } }"""


def customer_documents(
    count: int, *, tags: list[str] | None = None, prefix: str = "c"
) -> list[Document]:
    created = NOW - timedelta(days=400)
    return [
        {
            "_id": ObjectId(),
            "name": f"{prefix} {i}",
            "email": f"{prefix}.{i}@example.com",
            "tags": list(tags or []),
            "lifecycleStage": "CUSTOMER",
            "createdAt": created,
            "updatedAt": created,
            "archivedAt": None,
        }
        for i in range(count)
    ]


async def insert_customers(db: MongoDatabase, documents: list[Document]) -> list[ObjectId]:
    await CustomerRepository(db).insert_many(documents)
    return [doc["_id"] for doc in documents]


def order_document(customer: ObjectId, at: datetime, total: int) -> Document:
    return {
        "_id": ObjectId(),
        "number": f"SO-{ObjectId()}",
        "customerId": customer,
        "items": [],
        "currency": "USD",
        "total": total,
        "status": "DELIVERED",
        "placedAt": at,
        "statusHistory": [],
        "createdAt": at,
        "updatedAt": at,
    }


async def insert_orders(db: MongoDatabase, orders: list[Document]) -> None:
    if orders:
        await OrderRepository(db).insert_many(orders)


def gid(customer: ObjectId) -> str:
    return encode_id("Customer", customer)


async def running_campaign(gql: GraphQLClient, **fields: Any) -> dict[str, Any]:
    values = {
        "name": "Spring offer",
        "channel": "EMAIL",
        "variants": [{"key": "control", "weight": 0.5}, {"key": "b", "weight": 0.5}],
        "startAt": START.isoformat(),
        "currency": "USD",
        **fields,
    }
    created = (await gql(CREATE, input=values))["createCampaign"]
    assert created["userErrors"] == [], created["userErrors"]
    started = (await gql(START_CAMPAIGN, id=created["campaign"]["id"]))["startCampaign"]
    assert started["userErrors"] == [], started["userErrors"]
    return created["campaign"]


async def record(gql: GraphQLClient, campaign_id: str, events: list[dict[str, Any]]) -> None:
    for start in range(0, len(events), 1000):
        payload = (await gql(RECORD, id=campaign_id, events=events[start : start + 1000]))[
            "recordCampaignEvents"
        ]
        assert payload["userErrors"] == [], payload["userErrors"][:3]


def planted(
    customers: list[ObjectId], rates: dict[str, float], seed: int = 3, *, window_days: int = 14
) -> tuple[list[dict[str, Any]], list[Document], dict[str, str]]:
    """Exposures split evenly in customer order across the variants of ``rates``, and orders
    within the window at each variant's rate (plus orders outside it, which must not count)."""
    rng = random.Random(seed)
    keys = list(rates)
    events, orders, variant_of = [], [], {}
    for i, customer in enumerate(customers):
        key = keys[i % len(keys)]
        variant_of[str(customer)] = key
        exposed = START + timedelta(days=1, minutes=i % 600)
        events.append({"customerId": gid(customer), "variant": key, "event": "EXPOSED",
                       "at": exposed.isoformat()})  # fmt: skip
        if rng.random() < rates[key]:
            at = exposed + timedelta(days=rng.uniform(0.1, window_days - 0.5))
            orders.append(order_document(customer, at, rng.randint(2_000, 8_000)))
        if rng.random() < 0.2:  # bought before exposure or after the window: no conversion
            early = exposed - timedelta(days=2) if rng.random() < 0.5 else None
            late = exposed + timedelta(days=window_days + 1)
            orders.append(order_document(customer, early or late, 5_000))
    return events, orders, variant_of
