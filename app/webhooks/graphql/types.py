"""Webhook endpoints and deliveries as GraphQL shows them (the secret never, except once)."""

from __future__ import annotations

import json
from datetime import datetime

import strawberry
from strawberry.scalars import JSON
from strawberry.types.unset import UNSET

from app.core.db import Document
from app.graphql.relay import encode_id
from app.graphql.types import UserError
from app.webhooks.models import (
    DELIVERY_TYPE,
    ENDPOINT_TYPE,
    WebhookDeliveryStatus,
    WebhookEvent,
    message_id,
)

strawberry.enum(
    WebhookEvent,
    description="What a webhook announces. TICKET_SLA_BREACHED: a ticket missed an SLA target.",
)
strawberry.enum(
    WebhookDeliveryStatus,
    description="PENDING: queued or waiting to retry. DELIVERED: the receiver answered 2xx. "
    "FAILED: given up (3 days of failures, or the endpoint was disabled or deleted).",
)


@strawberry.type(description="A URL that receives signed webhooks (Standard Webhooks).")
class WebhookEndpoint:
    id: strawberry.ID
    url: str
    description: str | None
    events: list[WebhookEvent]
    active: bool = strawberry.field(description="False once disabled (5 days of failures).")
    failing_since: datetime | None = strawberry.field(
        description="The first failure since the last success; null while healthy."
    )
    disabled_at: datetime | None
    disabled_reason: str | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_document(cls, doc: Document) -> WebhookEndpoint:
        return cls(
            id=encode_id(ENDPOINT_TYPE, doc["_id"]),
            url=doc["url"],
            description=doc.get("description"),
            events=[WebhookEvent(value) for value in doc["events"]],
            active=doc["active"],
            failing_since=doc.get("failingSince"),
            disabled_at=doc.get("disabledAt"),
            disabled_reason=doc.get("disabledReason"),
            created_at=doc["createdAt"],
            updated_at=doc["updatedAt"],
        )


@strawberry.type(description="One event sent (or to be sent) to one endpoint.")
class WebhookDelivery:
    id: strawberry.ID
    webhook_id: str = strawberry.field(
        description="The webhook-id header: the same on every attempt and redelivery."
    )
    event: WebhookEvent
    status: WebhookDeliveryStatus
    attempts: int
    payload: JSON = strawberry.field(description="The body as sent.")
    created_at: datetime
    next_attempt_at: datetime | None = strawberry.field(description="While PENDING.")
    last_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    delivered_at: datetime | None

    @classmethod
    def from_document(cls, doc: Document) -> WebhookDelivery:
        pending = doc["status"] == WebhookDeliveryStatus.PENDING.value
        return cls(
            id=encode_id(DELIVERY_TYPE, doc["_id"]),
            webhook_id=message_id(doc["_id"]),
            event=WebhookEvent(doc["event"]),
            status=WebhookDeliveryStatus(doc["status"]),
            attempts=doc["attempts"],
            payload=json.loads(doc["body"]),
            created_at=doc["createdAt"],
            next_attempt_at=doc.get("nextAttemptAt") if pending else None,
            last_attempt_at=doc.get("lastAttemptAt"),
            last_status_code=doc.get("lastStatusCode"),
            last_error=doc.get("lastError"),
            delivered_at=doc.get("deliveredAt"),
        )


@strawberry.input
class CreateWebhookEndpointInput:
    url: str = strawberry.field(description="https; http only to loopback in development.")
    events: list[WebhookEvent]
    description: str | None = None


@strawberry.input
class UpdateWebhookEndpointInput:
    url: str | None = UNSET
    events: list[WebhookEvent] | None = UNSET
    description: str | None = UNSET
    active: bool | None = strawberry.field(
        default=UNSET,
        description="Any update enables a disabled endpoint again unless this is false.",
    )


@strawberry.type
class WebhookEndpointSecretPayload:
    endpoint: WebhookEndpoint | None
    secret: str | None = strawberry.field(
        description="The signing secret (whsec_...): shown here only, never again."
    )
    user_errors: list[UserError]


@strawberry.type
class WebhookEndpointPayload:
    endpoint: WebhookEndpoint | None
    user_errors: list[UserError]


@strawberry.type
class RedeliverWebhookPayload:
    delivery: WebhookDelivery | None
    user_errors: list[UserError]
