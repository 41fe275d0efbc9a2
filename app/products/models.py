"""Product documents: what a stored product holds, made in one place."""

from __future__ import annotations

from datetime import datetime

from app.core.db import Document

TYPE_NAME = "Product"


def new_product(fields: Document, now: datetime) -> Document:
    """A product as stored, from its checked fields (sku, name, price, currency, ...)."""
    return {"description": None, "active": True, **fields, "createdAt": now, "updatedAt": now}
