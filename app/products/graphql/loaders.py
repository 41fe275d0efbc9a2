"""Products by ID, batched per request (for any domain that shows a product)."""

from __future__ import annotations

from bson import ObjectId

from app.core.db import Document
from app.graphql.connections import load_by_id
from app.graphql.context import Info
from app.products.repository import ProductRepository


async def product(info: Info, object_id: ObjectId) -> Document | None:
    return await load_by_id(info.context, ProductRepository, object_id)
