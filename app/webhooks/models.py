"""Webhook events, delivery statuses, secrets, the Standard Webhooks signature and the retry
schedule."""

from __future__ import annotations

import base64
import hashlib
import hmac
import random
import secrets
from datetime import datetime, timedelta
from enum import Enum

ENDPOINT_TYPE = "WebhookEndpoint"
DELIVERY_TYPE = "WebhookDelivery"
SECRET_PREFIX = "whsec_"
MAX_ENDPOINTS = 100
# Retries stop this long after the event; an endpoint failing this long is disabled.
GIVE_UP_AFTER = timedelta(days=3)
DISABLE_AFTER = timedelta(days=5)
# After a rotation, the previous secret still signs (a second signature) for this long.
ROTATION_OVERLAP = timedelta(hours=24)
# The wait before each retry (the last one repeats until GIVE_UP_AFTER), each +-20% jitter.
BACKOFF = tuple(
    timedelta(seconds=s) for s in (5, 60, 300, 1800, 3600, 7200, 18_000, 36_000, 43_200)
)
JITTER = 0.2


class WebhookEvent(Enum):
    CUSTOMER_CREATED = "CUSTOMER_CREATED"
    CUSTOMER_UPDATED = "CUSTOMER_UPDATED"
    ORDER_CREATED = "ORDER_CREATED"
    ORDER_STATUS_CHANGED = "ORDER_STATUS_CHANGED"
    TICKET_CREATED = "TICKET_CREATED"
    TICKET_UPDATED = "TICKET_UPDATED"
    TICKET_MESSAGE_ADDED = "TICKET_MESSAGE_ADDED"
    TICKET_SLA_BREACHED = "TICKET_SLA_BREACHED"
    JOB_FINISHED = "JOB_FINISHED"


class WebhookDeliveryStatus(Enum):
    PENDING = "PENDING"
    DELIVERED = "DELIVERED"
    FAILED = "FAILED"


def new_secret() -> str:
    """``whsec_`` and 32 random bytes in base64, as Standard Webhooks secrets are written."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def message_id(delivery_id: object) -> str:
    """The ``webhook-id``: the same on every attempt and redelivery of one delivery."""
    return f"msg_{delivery_id}"


def signature(secret: str, msg_id: str, timestamp: int, body: str) -> str:
    """``v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`` keyed by the secret's bytes."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{msg_id}.{timestamp}.{body}".encode()
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def headers(secrets_in_use: list[str], msg_id: str, timestamp: int, body: str) -> dict[str, str]:
    """The Standard Webhooks headers; one signature per secret in use, space-separated."""
    return {
        "content-type": "application/json",
        "user-agent": "crm-webhooks/1",
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(
            signature(secret, msg_id, timestamp, body) for secret in secrets_in_use
        ),
    }


def retry_at(attempts: int, now: datetime, rng: random.Random | None = None) -> datetime:
    """When attempt ``attempts + 1`` is due, after ``attempts`` failed ones."""
    wait = BACKOFF[min(attempts, len(BACKOFF)) - 1]
    factor = 1 + (rng or random).uniform(-JITTER, JITTER)
    return now + wait * factor
