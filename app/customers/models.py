"""Customer documents: what a stored customer holds, made in one place."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from app.core.db import Document

TYPE_NAME = "Customer"
ADDRESS_FIELDS = ("line1", "line2", "city", "region", "postal_code", "country")
# Stored keys follow the API's camelCase, so documents read the same in mongosh and GraphQL.
ADDRESS_KEYS = {"postal_code": "postalCode"}


class LifecycleStage(Enum):
    """Where a customer stands in the sales funnel."""

    LEAD = "LEAD"
    PROSPECT = "PROSPECT"
    CUSTOMER = "CUSTOMER"
    CHURNED = "CHURNED"


def new_customer(fields: Document, now: datetime, created_at: datetime | None = None) -> Document:
    """A customer as stored, from its checked fields (name, email, ...)."""
    return {
        "phone": None,
        "company": None,
        "address": None,
        "tags": [],
        "lifecycleStage": LifecycleStage.LEAD.value,
        **fields,
        "createdAt": created_at or now,
        "updatedAt": now,
        "archivedAt": None,
    }
