"""Warehouses, stock levels, moves, valuation, reorder suggestions and fulfilments."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from bson import ObjectId

from app.core.db import Document
from app.graphql.context import Info
from app.graphql.relay import Node, encode_id, load_node, register_node
from app.graphql.types import Money, copied
from app.inventory.graphql import loaders
from app.inventory.graphql.enums import FulfilmentStatus, StockMoveKind
from app.inventory.models import FULFILMENT, STOCK_MOVE, WAREHOUSE

if TYPE_CHECKING:
    from app.orders.graphql.types import Order
    from app.products.graphql.types import Product

ProductType = Annotated["Product", strawberry.lazy("app.products.graphql.types")]
OrderType = Annotated["Order", strawberry.lazy("app.orders.graphql.types")]


@strawberry.type
class Warehouse(Node):
    id: strawberry.ID
    code: str
    name: str
    active: bool

    @classmethod
    def from_document(cls, doc: Document) -> Warehouse:
        return cls(id=encode_id(WAREHOUSE, doc["_id"]), **copied(doc, "code", "name", "active"))


@strawberry.type
class InWarehouse:
    """A row about a product in a warehouse (not a GraphQL type of its own)."""

    product_id: strawberry.Private[ObjectId]
    warehouse_id: strawberry.Private[ObjectId]

    @strawberry.field
    async def product(self, info: Info) -> ProductType | None:
        return await load_node(info, "Product", self.product_id)  # type: ignore[no-any-return]

    @strawberry.field
    async def warehouse(self, info: Info) -> Warehouse | None:
        return await load_node(info, WAREHOUSE, self.warehouse_id)  # type: ignore[no-any-return]


@strawberry.type(description="Reorder when available falls to min; order up to max.")
class ReorderRule:
    min: int | None = strawberry.field(description="Null: from demand (see reorderSuggestions).")
    max: int | None = strawberry.field(description="Null: two lead times of demand.")
    multiple: int
    lead_time_days: int


@strawberry.type(description="A product's stock in a warehouse.")
class StockLevel(InWarehouse):
    on_hand: int
    reserved: int = strawberry.field(description="Held by orders not shipped yet.")
    available: int = strawberry.field(description="onHand - reserved; never below 0.")
    value: Money = strawberry.field(description="The cost of what is on hand.")
    average_unit_cost: Money | None = strawberry.field(description="Null when none on hand.")
    reorder_rule: ReorderRule | None

    @classmethod
    def from_document(cls, doc: Document) -> StockLevel:
        currency, on_hand = doc["currency"], doc["onHand"]
        rule = doc.get("reorderRule")
        return cls(
            product_id=doc["productId"],
            warehouse_id=doc["warehouseId"],
            on_hand=on_hand,
            reserved=doc["reserved"],
            available=doc["available"],
            value=Money.of(doc["value"], currency),
            average_unit_cost=Money.of(round(doc["value"] / on_hand), currency)
            if on_hand > 0
            else None,
            reorder_rule=ReorderRule(**copied(rule, "multiple", "lead_time_days"),
                                     min=rule.get("min"), max=rule.get("max"))
            if rule
            else None,
        )  # fmt: skip


@strawberry.type(description="Units a move took from (or gave to) one cost lot.")
class StockMoveLot:
    quantity: int
    unit_cost: Money


@strawberry.type(description="One entry of the stock ledger; entries are never changed.")
class StockMove(Node, InWarehouse):
    id: strawberry.ID
    kind: StockMoveKind
    quantity: int = strawberry.field(description="Positive in, negative out.")
    total_cost: Money = strawberry.field(description="Positive in, negative out.")
    lots: list[StockMoveLot]
    at: datetime
    note: str | None
    order_id: strawberry.Private[ObjectId | None]

    @classmethod
    def from_document(cls, doc: Document) -> StockMove:
        currency = doc["currency"]
        taken = doc.get("lots") or []
        given = doc.get("newLots") or []
        return cls(
            id=encode_id(STOCK_MOVE, doc["_id"]),
            kind=StockMoveKind(doc["kind"]),
            product_id=doc["productId"],
            warehouse_id=doc["warehouseId"],
            quantity=doc["quantity"],
            total_cost=Money.of(doc.get("totalCost") or 0, currency),
            lots=[
                StockMoveLot(
                    quantity=lot["quantity"], unit_cost=Money.of(lot["unitCost"], currency)
                )
                for lot in [*taken, *given]
            ],
            at=doc["at"],
            note=doc.get("note"),
            order_id=doc.get("orderId"),
        )

    @strawberry.field
    async def order(self, info: Info) -> OrderType | None:
        return await load_node(info, "Order", self.order_id)  # type: ignore[no-any-return]


@strawberry.type(description="A paid order waiting to be picked, packed and shipped.")
class Fulfilment(Node):
    id: strawberry.ID
    status: FulfilmentStatus
    priority: int = strawberry.field(description="Higher first; see the README.")
    fulfil_by: datetime
    claimed_by: str | None
    claimed_at: datetime | None
    hold_reason: str | None
    tracking_number: str | None
    order_id: strawberry.Private[ObjectId]
    warehouse_id: strawberry.Private[ObjectId]

    @classmethod
    def from_document(cls, doc: Document) -> Fulfilment:
        return cls(
            id=encode_id(FULFILMENT, doc["_id"]),
            status=FulfilmentStatus(doc["status"]),
            **copied(
                doc, "priority", "fulfil_by", "order_id", "warehouse_id",
                optional=("claimed_by", "claimed_at", "hold_reason", "tracking_number"),
            ),
        )  # fmt: skip

    @strawberry.field
    async def order(self, info: Info) -> OrderType | None:
        return await load_node(info, "Order", self.order_id)  # type: ignore[no-any-return]

    @strawberry.field
    async def warehouse(self, info: Info) -> Warehouse | None:
        return await load_node(info, WAREHOUSE, self.warehouse_id)  # type: ignore[no-any-return]


@strawberry.type
class ValuationRow(InWarehouse):
    quantity: int
    value: Money


@strawberry.type(description="What stock cost, per product and warehouse, and in total.")
class InventoryValuation:
    as_of: datetime
    rows: list[ValuationRow]
    totals: list[Money] = strawberry.field(description="One per currency.")


@strawberry.type
class ReorderSuggestion(InWarehouse):
    available: int
    reorder_point: int
    suggested_quantity: int
    reason: str


register_node(WAREHOUSE, Warehouse.from_document, loaders.warehouse)
register_node(STOCK_MOVE, StockMove.from_document, loaders.stock_move)
register_node(FULFILMENT, Fulfilment.from_document, loaders.fulfilment)
