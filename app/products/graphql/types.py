"""The Product type."""

from __future__ import annotations

from datetime import datetime

import strawberry

from app.core.db import Document
from app.graphql.relay import Node, encode_id, register_node
from app.graphql.types import Money, copied
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
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_document(cls, doc: Document) -> Product:
        return cls(
            id=encode_id(TYPE_NAME, doc["_id"]),
            price=Money.of(doc["price"], doc["currency"]),
            **copied(
                doc, "sku", "name", "active", "created_at", "updated_at", optional=("description",)
            ),
        )


register_node(TYPE_NAME, Product.from_document, loaders.product)
