"""Shared operations and helpers of the webhook tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from app.core.db import Database
from app.core.settings import Settings
from app.webhooks.delivery import WebhookDispatcher
from tests.conftest import GraphQLClient

CREATE = """mutation($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) {
    endpoint { id url events active } secret userErrors { field code message } } }"""
UPDATE = """mutation($id: ID!, $input: UpdateWebhookEndpointInput!) {
  updateWebhookEndpoint(id: $id, input: $input) {
    endpoint { active failingSince disabledAt disabledReason events }
    userErrors { field code message } } }"""
DELIVERIES = """query($id: ID!, $status: WebhookDeliveryStatus) {
  webhookDeliveries(endpointId: $id, status: $status) {
    id webhookId event status attempts lastStatusCode lastError payload nextAttemptAt } }"""
REDELIVER = """mutation($id: ID!) { redeliverWebhook(deliveryId: $id) {
  delivery { status webhookId } userErrors { code } } }"""


async def endpoint(gql: GraphQLClient, url: str, *events: str) -> tuple[str, str]:
    """A new endpoint's ID and secret."""
    data = (await gql(CREATE, input={"url": url, "events": list(events)}))["createWebhookEndpoint"]
    assert data["userErrors"] == [], data["userErrors"]
    return data["endpoint"]["id"], data["secret"]


async def deliveries(gql: GraphQLClient, endpoint_id: str, **args: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = (await gql(DELIVERIES, id=endpoint_id, **args))[
        "webhookDeliveries"
    ]
    return found


async def dispatch(database: Database, settings: Settings) -> int:
    """One round of a fresh dispatcher (a restarted worker is just another one)."""
    dispatcher = WebhookDispatcher(database.db, settings)
    try:
        return await dispatcher.run_once()
    finally:
        await dispatcher.client.aclose()


async def time_passes(database: Database, by: timedelta) -> None:
    """Move every delivery's clock back by ``by``: its retry falls due, its age grows."""
    collection = database.db["webhook_deliveries"]
    async for doc in collection.find({}):
        moved = {
            key: doc[key] - by
            for key in ("createdAt", "nextAttemptAt")
            if isinstance(doc.get(key), datetime)
        }
        await collection.update_one({"_id": doc["_id"]}, {"$set": moved})


def now() -> datetime:
    return datetime.now(UTC)
