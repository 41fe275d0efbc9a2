"""Customers by ID, batched per request (for any domain that shows a customer)."""

from __future__ import annotations

from bson import ObjectId

from app.core.db import Document
from app.customers.repository import CustomerRepository
from app.graphql.connections import load_by_id
from app.graphql.context import Info


async def customer(info: Info, object_id: ObjectId) -> Document | None:
    return await load_by_id(info.context, CustomerRepository, object_id)
