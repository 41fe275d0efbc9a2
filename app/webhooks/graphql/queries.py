"""``webhookEndpoints`` and ``webhookDeliveries`` (administrators only)."""

from __future__ import annotations

import strawberry

from app.graphql.context import Info
from app.graphql.errors import client_error
from app.graphql.permissions import ADMINS, allow
from app.graphql.relay import decode_id_or_raise
from app.webhooks.graphql.types import WebhookDelivery, WebhookEndpoint
from app.webhooks.models import DELIVERY_TYPE, ENDPOINT_TYPE, MAX_ENDPOINTS, WebhookDeliveryStatus
from app.webhooks.repository import WebhookDeliveryRepository, WebhookEndpointRepository

MAX_PAGE = 100


@strawberry.type
class WebhookQuery:
    @strawberry.field(extensions=[allow(ADMINS)], description="Every endpoint, oldest first.")
    async def webhook_endpoints(self, info: Info) -> list[WebhookEndpoint]:
        found = await info.context.get(WebhookEndpointRepository).all(MAX_ENDPOINTS)
        return [WebhookEndpoint.from_document(doc) for doc in found]

    @strawberry.field(
        extensions=[allow(ADMINS)],
        description="An endpoint's deliveries, newest first; the next page: before = the last "
        "ID of this one. first: at most 100.",
    )
    async def webhook_deliveries(
        self,
        info: Info,
        endpoint_id: strawberry.ID,
        status: WebhookDeliveryStatus | None = None,
        first: int = 50,
        before: strawberry.ID | None = None,
    ) -> list[WebhookDelivery]:
        if not 1 <= first <= MAX_PAGE:
            raise client_error(f"first must be between 1 and {MAX_PAGE}.", "BAD_USER_INPUT")
        endpoint = decode_id_or_raise(endpoint_id, ENDPOINT_TYPE)
        after = decode_id_or_raise(before, DELIVERY_TYPE) if before is not None else None
        found = await info.context.get(WebhookDeliveryRepository).of_endpoint(
            endpoint, status.value if status is not None else None, after, first
        )
        return [WebhookDelivery.from_document(doc) for doc in found]
