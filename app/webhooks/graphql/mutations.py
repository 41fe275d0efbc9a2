"""Managing endpoints and redelivering (administrators only; every change audited, secrets
redacted in the audit trail)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import strawberry
from bson import ObjectId

from app.core.db import Document
from app.core.errors import ErrorCode, InputError
from app.graphql.context import Info
from app.graphql.mutations import AFTER_CHANGE, Target, provided, run_mutation
from app.graphql.permissions import ADMINS, allow
from app.graphql.relay import decode_input_id
from app.webhooks.graphql.types import (
    CreateWebhookEndpointInput,
    RedeliverWebhookPayload,
    UpdateWebhookEndpointInput,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEndpointPayload,
    WebhookEndpointSecretPayload,
)
from app.webhooks.models import DELIVERY_TYPE, ENDPOINT_TYPE
from app.webhooks.outbox import after_mutation
from app.webhooks.repository import WebhookDeliveryRepository, WebhookEndpointRepository
from app.webhooks.service import WebhookService

AFTER_CHANGE.append(after_mutation)


def _service(info: Info) -> WebhookService:
    return WebhookService(info.context.db, production=info.context.settings.is_production)


async def _endpoint_change[P](
    info: Info,
    payload: Callable[..., P],
    global_id: str | None,
    action: Callable[[WebhookService, ObjectId | None], Awaitable[Document]],
) -> P:
    service = _service(info)

    async def act() -> Document:
        object_id = None
        if global_id is not None:
            object_id = decode_input_id(global_id, ENDPOINT_TYPE, "id")
        return await action(service, object_id)

    target = None if global_id is None else Target(WebhookEndpointRepository, global_id)
    return await run_mutation(
        info, payload, "endpoint", act, WebhookEndpoint.from_document, ENDPOINT_TYPE,
        target=target,
    )  # fmt: skip


def _with_secret(result: WebhookEndpointSecretPayload, written: list[Document]) -> None:
    if result.endpoint is not None and written:
        result.secret = written[0]["secret"]


@strawberry.type
class WebhookMutation:
    @strawberry.mutation(
        extensions=[allow(ADMINS)], description="A new endpoint; its secret is shown once."
    )
    async def create_webhook_endpoint(
        self, info: Info, input: CreateWebhookEndpointInput
    ) -> WebhookEndpointSecretPayload:
        written: list[Document] = []

        async def create(service: WebhookService, _: ObjectId | None) -> Document:
            values = {"url": input.url, "events": input.events, "description": input.description}
            written.append(await service.create(values))
            return written[0]

        result = await _endpoint_change(info, _secret_payload, None, create)
        _with_secret(result, written)
        return result

    @strawberry.mutation(extensions=[allow(ADMINS)])
    async def update_webhook_endpoint(
        self, info: Info, id: strawberry.ID, input: UpdateWebhookEndpointInput
    ) -> WebhookEndpointPayload:
        values = provided(input, "url", "events", "description", "active")

        async def update(service: WebhookService, object_id: ObjectId | None) -> Document:
            assert object_id is not None
            return await service.update(object_id, values)

        return await _endpoint_change(info, WebhookEndpointPayload, id, update)

    @strawberry.mutation(
        extensions=[allow(ADMINS)],
        description="Its pending deliveries fail (endpoint deleted) on their next attempt.",
    )
    async def delete_webhook_endpoint(
        self, info: Info, id: strawberry.ID
    ) -> WebhookEndpointPayload:
        async def delete(service: WebhookService, object_id: ObjectId | None) -> Document:
            assert object_id is not None
            return await service.delete(object_id)

        return await _endpoint_change(info, WebhookEndpointPayload, id, delete)

    @strawberry.mutation(
        extensions=[allow(ADMINS)],
        description="A new secret, shown once; the old one keeps signing beside it for 24 hours "
        "(two signatures in webhook-signature), so receivers can switch without a gap.",
    )
    async def rotate_webhook_secret(
        self, info: Info, id: strawberry.ID
    ) -> WebhookEndpointSecretPayload:
        written: list[Document] = []

        async def rotate(service: WebhookService, object_id: ObjectId | None) -> Document:
            assert object_id is not None
            written.append(await service.rotate(object_id))
            return written[0]

        result = await _endpoint_change(info, _secret_payload, id, rotate)
        _with_secret(result, written)
        return result

    @strawberry.mutation(
        extensions=[allow(ADMINS)],
        description="Send a delivery again now, with the same webhook-id.",
    )
    async def redeliver_webhook(
        self, info: Info, delivery_id: strawberry.ID
    ) -> RedeliverWebhookPayload:
        async def redeliver() -> Document:
            object_id = decode_input_id(delivery_id, DELIVERY_TYPE, "deliveryId")
            repository = info.context.get(WebhookDeliveryRepository)
            found = await repository.redeliver(object_id, datetime.now(UTC))
            if found is None:
                raise InputError.one(
                    "deliveryId", ErrorCode.NOT_FOUND, "No webhook delivery has this ID."
                )
            return found

        return await run_mutation(
            info, RedeliverWebhookPayload, "delivery", redeliver,
            WebhookDelivery.from_document, DELIVERY_TYPE,
        )  # fmt: skip


def _secret_payload(**fields: object) -> WebhookEndpointSecretPayload:
    return WebhookEndpointSecretPayload(secret=None, **fields)  # type: ignore[arg-type]
