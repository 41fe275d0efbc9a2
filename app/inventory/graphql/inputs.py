"""Inventory filters and mutation inputs."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import strawberry
from bson import ObjectId

from app.graphql.inputs import DateTimeFilter, QueryBuilder, as_utc
from app.graphql.relay import decode_id_or_raise, decode_input_id
from app.inventory.graphql.enums import FulfilmentStatus, StockMoveKind
from app.inventory.models import WAREHOUSE


def input_id(global_id: str | None, type_name: str, field: str) -> ObjectId | None:
    return decode_input_id(global_id, type_name, field) if global_id is not None else None


def _ids(query: QueryBuilder, **given: tuple[str | None, str]) -> None:
    for field, (global_id, type_name) in given.items():
        if global_id is not None:
            query.add(field, decode_id_or_raise(global_id, type_name))


@strawberry.input(description="An amount and its ISO 4217 currency.")
class MoneyInput:
    amount: Decimal
    currency: str


@strawberry.input
class CreateWarehouseInput:
    code: str = strawberry.field(description="Unique, e.g. `SH-01`; stored upper-case.")
    name: str


class StockTarget:
    """A mutation input naming a product and, optionally, a warehouse (default MAIN)."""

    product_id: strawberry.ID
    warehouse_id: strawberry.ID | None

    def target(self) -> tuple[ObjectId, ObjectId | None]:
        return (
            decode_input_id(self.product_id, "Product", "productId"),
            input_id(self.warehouse_id, WAREHOUSE, "warehouseId"),
        )


@strawberry.input
class ReceiveStockInput(StockTarget):
    product_id: strawberry.ID
    quantity: int
    unit_cost: MoneyInput = strawberry.field(description="In the product's currency.")
    warehouse_id: strawberry.ID | None = strawberry.field(default=None, description="Default MAIN.")
    received_at: datetime | None = strawberry.field(
        default=None, description="Default now; never before the product's latest move there."
    )
    reference: str | None = strawberry.field(default=None, description="A delivery note, say.")

    def received(self) -> datetime | None:
        return as_utc(self.received_at) if self.received_at else None


@strawberry.input(description="Count a difference: positive found, negative lost.")
class AdjustStockInput(StockTarget):
    product_id: strawberry.ID
    quantity_delta: int
    reason: str
    warehouse_id: strawberry.ID | None = None


@strawberry.input
class TransferStockInput:
    product_id: strawberry.ID
    from_warehouse_id: strawberry.ID
    to_warehouse_id: strawberry.ID
    quantity: int


@strawberry.input
class SetReorderRuleInput(StockTarget):
    product_id: strawberry.ID
    warehouse_id: strawberry.ID | None = None
    min: int | None = strawberry.field(
        default=None, description="Reorder at this; null: from the last 90 days' demand."
    )
    max: int | None = strawberry.field(
        default=None, description="Order up to this; null: two lead times of demand."
    )
    multiple: int = 1
    lead_time_days: int = 7


@strawberry.input
class LocatedFilter:
    """A product, a warehouse, or both."""

    product_id: strawberry.ID | None = None
    warehouse_id: strawberry.ID | None = None

    def located(self) -> QueryBuilder:
        query = QueryBuilder()
        _ids(
            query,
            productId=(self.product_id, "Product"),
            warehouseId=(self.warehouse_id, WAREHOUSE),
        )
        return query


@strawberry.input(description="Stock levels; all given conditions must hold.")
class StockLevelFilter(LocatedFilter):
    below_reorder_point: bool | None = strawberry.field(
        default=None, description="Levels with a reorder rule whose min available has reached."
    )

    def to_query(self) -> dict[str, Any]:
        query = self.located()
        if self.below_reorder_point:
            query.add("reorderRule.min", {"$ne": None})
            query.add("$expr", {"$lte": ["$available", "$reorderRule.min"]})
        return query.build()


@strawberry.input(description="Stock moves; all given conditions must hold.")
class StockMoveFilter(LocatedFilter):
    kind: StockMoveKind | None = None
    order_id: strawberry.ID | None = None
    at: DateTimeFilter | None = None

    def to_query(self) -> dict[str, Any]:
        query = self.located()
        _ids(query, orderId=(self.order_id, "Order"))
        if self.kind is not None:
            query.add("kind", self.kind.value)
        query.times("at", self.at)
        return query.build()


@strawberry.input
class FulfilmentFilter:
    warehouse_id: strawberry.ID | None = None
    status: FulfilmentStatus | None = None

    def to_query(self) -> dict[str, Any]:
        query = QueryBuilder()
        _ids(query, warehouseId=(self.warehouse_id, WAREHOUSE))
        if self.status is not None:
            query.add("status", self.status.value)
        return query.build()
