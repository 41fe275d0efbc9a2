"""The outbox: an event becomes one delivery document per subscribed endpoint, written by the
code path that made the change, right after it. The dispatcher sends them; a delivery is never
deleted before it succeeded or gave up, so a restart loses nothing that was written.

Events come from every API mutation on customers, orders and tickets (a hook after the change
and its audit entry), from the job worker (``JOB_FINISHED``) and the SLA sweep. Bulk imports
announce themselves by their ``JOB_FINISHED``, not one event per row."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from bson import ObjectId

from app.core.db import Document, MongoDatabase
from app.core.jsonable import json_scalar
from app.graphql.relay import encode_id
from app.webhooks.models import WebhookDeliveryStatus, WebhookEvent
from app.webhooks.repository import WebhookDeliveryRepository, WebhookEndpointRepository

log = logging.getLogger(__name__)

# Never sent: credentials, and the parts of a ticket that travel separately.
LEFT_OUT = frozenset({"hash", "password", "passwordHash", "secret", "key", "messages"})


def plain(value: Any) -> Any:
    """A document as JSON a receiver can read: IDs as strings, times in ISO 8601 (UTC)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if k not in LEFT_OUT and k != "_id"}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return json_scalar(value)


def changed_fields(before: Document, after: Document) -> list[Document]:
    """``{field old new}`` for each top-level field that differs."""
    fields = sorted((set(before) | set(after)) - LEFT_OUT - {"_id", "updatedAt"})
    return [
        {"field": f, "old": plain(before.get(f)), "new": plain(after.get(f))}
        for f in fields
        if before.get(f) != after.get(f)
    ]


def body(
    event: WebhookEvent, object_type: str, document: Document, now: datetime, **data: Any
) -> str:
    """The JSON payload: ``{type timestamp data: {object, changes?, message?, ...}}``."""
    obj = {"id": encode_id(object_type, document["_id"]), "type": object_type, **plain(document)}
    payload = {"type": event.value, "timestamp": plain(now), "data": {"object": obj, **data}}
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


async def emit(
    db: MongoDatabase,
    event: WebhookEvent,
    object_type: str,
    document: Document,
    *,
    customer_id: ObjectId | None = None,
    **data: Any,
) -> int:
    """Queue ``event`` about ``document`` for every active endpoint that takes it; returns how
    many deliveries were queued (none, cheaply, when no endpoint takes it)."""
    endpoints = await WebhookEndpointRepository(db).subscribed(event.value)
    if not endpoints:
        return 0
    now = datetime.now(UTC)
    text = body(event, object_type, document, now, **data)
    deliveries = [
        {
            "_id": ObjectId(),
            "endpointId": endpoint["_id"],
            "event": event.value,
            "body": text,
            "status": WebhookDeliveryStatus.PENDING.value,
            "attempts": 0,
            "createdAt": now,
            "nextAttemptAt": now,
            **({"customerId": customer_id} if customer_id is not None else {}),
        }
        for endpoint in endpoints
    ]
    await WebhookDeliveryRepository(db).add(deliveries)
    return len(deliveries)


def _event_of(type_name: str, before: Document | None, after: Document) -> WebhookEvent | None:
    if type_name == "Customer":
        # An erasure (audited with no "before": its old values are what was erased) updates.
        created = before is None and not after.get("erased")
        return WebhookEvent.CUSTOMER_CREATED if created else WebhookEvent.CUSTOMER_UPDATED
    if type_name == "Order":
        if before is None:
            return WebhookEvent.ORDER_CREATED
        changed = before.get("status") != after.get("status")
        return WebhookEvent.ORDER_STATUS_CHANGED if changed else None
    if type_name == "Ticket":
        if before is None:
            return WebhookEvent.TICKET_CREATED
        if len(after.get("messages") or []) > len(before.get("messages") or []):
            return WebhookEvent.TICKET_MESSAGE_ADDED
        return WebhookEvent.TICKET_UPDATED
    return None


async def after_mutation(
    db: MongoDatabase, type_name: str, before: Document | None, after: Document
) -> None:
    """The events of one API mutation's change (registered with the mutation plumbing)."""
    event = _event_of(type_name, before, after)
    if event is None:
        return
    data: dict[str, Any] = {}
    if before is not None and not after.get("erased"):
        # An erasure announces the tombstone only: its old values are what was erased.
        data["changes"] = changed_fields(before, after)
    if event is WebhookEvent.TICKET_MESSAGE_ADDED:
        data["message"] = plain((after.get("messages") or [])[-1])
    customer = after["_id"] if type_name == "Customer" else after.get("customerId")
    await emit(db, event, type_name, after, customer_id=customer, **data)
