"""Orders by ID and customers' order figures, batched per request."""

from __future__ import annotations

from bson import ObjectId

from app.core.db import Document
from app.graphql.connections import load_by_id
from app.graphql.context import Info
from app.orders.repository import OrderRepository


async def order(info: Info, object_id: ObjectId) -> Document | None:
    return await load_by_id(info.context, OrderRepository, object_id)


async def stats_of_customer(info: Info, customer_id: ObjectId) -> Document | None:
    """Revenue orders and spend per currency, and the last order time (None: no orders)."""
    repository = info.context.get(OrderRepository)

    async def load(keys: list[ObjectId]) -> list[Document | None]:
        stats = await repository.stats_by_customer(keys)
        return [stats.get(key) for key in keys]

    document: Document | None = await info.context.loader("customerStats", load).load(customer_id)
    return document
