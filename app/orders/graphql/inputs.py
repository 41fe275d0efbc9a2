"""Order filters, sort orders and mutation inputs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from bson import ObjectId

from app.core.errors import FieldError, InputError
from app.graphql.inputs import DateTimeFilter, QueryBuilder, sort_order
from app.graphql.relay import decode_id_or_raise, decode_input_id
from app.orders.graphql.enums import OrderStatus
from app.orders.service import OrderLine

OrderOrderBy = sort_order("Order", "orders", PLACED_AT="placedAt", TOTAL="total", NUMBER="number")


@strawberry.input(description="Filters on orders; all given conditions must hold.")
class OrderFilter:
    status: list[OrderStatus] | None = None
    customer_id: strawberry.ID | None = None
    placed_at: DateTimeFilter | None = None

    def to_query(self) -> dict[str, Any]:
        query = QueryBuilder()
        query.one_of("status", self.status, "status")
        if self.customer_id is not None:
            query.add("customerId", decode_id_or_raise(self.customer_id, "Customer"))
        query.times("placedAt", self.placed_at)
        return query.build()


@strawberry.input
class OrderItemInput:
    product_id: strawberry.ID
    quantity: int


@strawberry.input(description="Prices and totals are taken from the products, not the client.")
class CreateOrderInput:
    customer_id: strawberry.ID
    items: list[OrderItemInput]
    placed_at: datetime | None = None
    warehouse_id: strawberry.ID | None = strawberry.field(
        default=None, description="Where tracked items are reserved; default MAIN."
    )
    idempotency_key: str | None = strawberry.field(
        default=None, description="Your key for this request: a retry with it creates nothing new."
    )

    def decoded(self) -> tuple[ObjectId, list[OrderLine]]:
        """The customer and lines, every ID decoded (all malformed ones reported at once)."""
        errors: list[FieldError] = []

        def decode(global_id: str, type_name: str, field: str) -> ObjectId:
            try:
                return decode_input_id(global_id, type_name, field)
            except InputError as error:
                errors.extend(error.errors)
                return ObjectId()

        customer_id = decode(self.customer_id, "Customer", "customerId")
        lines = [
            OrderLine(decode(item.product_id, "Product", f"items.{i}.productId"), item.quantity)
            for i, item in enumerate(self.items)
        ]
        if errors:
            raise InputError(errors)
        return customer_id, lines
