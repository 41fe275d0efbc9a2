"""Product filters, sort orders and mutation inputs."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import strawberry

from app.graphql.inputs import QueryBuilder, StringFilter, sort_order
from app.graphql.mutations import provided
from app.inventory.graphql.enums import CostingMethod

ProductOrderBy = sort_order(
    "Product", "products", CREATED_AT="createdAt", NAME="name", SKU="sku", PRICE="price"
)


@strawberry.input(description="Filters on products; all given conditions must hold.")
class ProductFilter:
    active: bool | None = None
    sku: StringFilter | None = None
    name: StringFilter | None = None

    def to_query(self) -> dict[str, Any]:
        query = QueryBuilder()
        if self.active is not None:
            query.add("active", self.active)
        query.string("sku", self.sku, "sku")
        query.string("name", self.name, "name")
        return query.build()


@strawberry.input
class CreateProductInput:
    sku: str
    name: str
    price: Decimal
    currency: str
    description: str | None = None
    active: bool | None = True
    track_inventory: bool = strawberry.field(
        default=False, description="Keep stock of it: orders reserve it, shipping sells it."
    )
    costing_method: CostingMethod = CostingMethod.FIFO


@strawberry.input(description="Only the fields given are changed.")
class UpdateProductInput:
    sku: str | None = strawberry.UNSET
    name: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    price: Decimal | None = strawberry.UNSET
    currency: str | None = strawberry.UNSET
    active: bool | None = strawberry.UNSET
    track_inventory: bool | None = strawberry.UNSET
    costing_method: CostingMethod | None = strawberry.UNSET


INPUT_FIELDS = (
    "sku", "name", "description", "price", "currency", "active", "track_inventory",
    "costing_method",
)  # fmt: skip


def product_values(input_object: CreateProductInput | UpdateProductInput) -> dict[str, Any]:
    """The fields the client sent, as the service takes them."""
    return provided(input_object, *INPUT_FIELDS)
