"""Warehouses, stock levels and fulfilments by ID or product, batched per request."""

from __future__ import annotations

from bson import ObjectId

from app.core.db import Document
from app.graphql.connections import load_by_id
from app.graphql.context import Info
from app.inventory.repository import (
    FulfilmentRepository,
    StockLevelRepository,
    StockMoveRepository,
    WarehouseRepository,
)


async def warehouse(info: Info, object_id: ObjectId) -> Document | None:
    return await load_by_id(info.context, WarehouseRepository, object_id)


async def stock_move(info: Info, object_id: ObjectId) -> Document | None:
    return await load_by_id(info.context, StockMoveRepository, object_id)


async def fulfilment(info: Info, object_id: ObjectId) -> Document | None:
    return await load_by_id(info.context, FulfilmentRepository, object_id)


async def levels_of_product(info: Info, product_id: ObjectId) -> list[Document]:
    """A product's stock levels, every warehouse (one query for all products asked)."""
    repository = info.context.get(StockLevelRepository)

    async def load(keys: list[ObjectId]) -> list[list[Document]]:
        found: dict[ObjectId, list[Document]] = {key: [] for key in keys}
        for level in await repository.of_products(keys):
            found[level["productId"]].append(level)
        return [found[key] for key in keys]

    levels: list[Document] = await info.context.loader("levelsOfProduct", load).load(product_id)
    return levels
