"""The Product type."""

from __future__ import annotations

from datetime import datetime

import strawberry
from bson import ObjectId

from app.core.db import Document
from app.graphql.context import Info
from app.graphql.relay import Node, encode_id, register_node
from app.graphql.types import Money, copied
from app.inventory.graphql import loaders as inventory
from app.inventory.graphql.enums import CostingMethod
from app.inventory.graphql.types import StockLevel
from app.products.graphql import loaders
from app.products.models import TYPE_NAME


@strawberry.type
class Product(Node):
    id: strawberry.ID
    sku: str
    name: str
    description: str | None
    price: Money
    active: bool
    track_inventory: bool
    costing_method: CostingMethod
    created_at: datetime
    updated_at: datetime
    object_id: strawberry.Private[ObjectId]

    @classmethod
    def from_document(cls, doc: Document) -> Product:
        return cls(
            id=encode_id(TYPE_NAME, doc["_id"]),
            price=Money.of(doc["price"], doc["currency"]),
            object_id=doc["_id"],
            track_inventory=bool(doc.get("trackInventory")),
            costing_method=CostingMethod(doc.get("costingMethod") or "FIFO"),
            **copied(
                doc, "sku", "name", "active", "created_at", "updated_at", optional=("description",)
            ),
        )

    @strawberry.field(description="Stock per warehouse (tracked products).")
    async def stock_levels(self, info: Info) -> list[StockLevel]:
        levels = await inventory.levels_of_product(info, self.object_id)
        return [StockLevel.from_document(level) for level in levels]

    @strawberry.field(description="Units available in all warehouses.")
    async def available(self, info: Info) -> int:
        levels = await inventory.levels_of_product(info, self.object_id)
        return sum(level["available"] for level in levels)


register_node(TYPE_NAME, Product.from_document, loaders.product)
