"""The Order type. Lines and status history are built only when a query asks for them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from bson import ObjectId

from app.core.db import Document
from app.graphql.context import Info
from app.graphql.relay import Node, encode_id, load_node, owned_by_customer, register_node
from app.graphql.types import Money, copied
from app.orders.graphql import loaders
from app.orders.graphql.enums import OrderStatus
from app.orders.models import TYPE_NAME

if TYPE_CHECKING:
    from app.customers.graphql.types import Customer
    from app.products.graphql.types import Product


@strawberry.type
class OrderItem:
    sku: str
    name: str
    quantity: int
    unit_price: Money
    line_total: Money
    cost: Money | None = strawberry.field(
        description="What the units cost (by the product's costing method); null until the "
        "line ships, and for untracked products."
    )
    product_id: strawberry.Private[ObjectId]

    @strawberry.field
    async def product(
        self, info: Info
    ) -> Annotated[Product, strawberry.lazy("app.products.graphql.types")] | None:
        return await load_node(info, "Product", self.product_id)  # type: ignore[no-any-return]


@strawberry.type
class StatusChange:
    status: OrderStatus
    at: datetime
    note: str | None


def _items(root: Order) -> list[OrderItem]:
    currency = root.document["currency"]
    return [
        OrderItem(
            sku=item["sku"],
            name=item["name"],
            quantity=item["quantity"],
            unit_price=Money.of(item["unitPrice"], currency),
            line_total=Money.of(item["unitPrice"] * item["quantity"], currency),
            cost=Money.of(item["cost"], currency) if "cost" in item else None,
            product_id=item["productId"],
        )
        for item in root.document["items"]
    ]


def _status_history(root: Order) -> list[StatusChange]:
    return [
        StatusChange(status=OrderStatus(h["status"]), at=h["at"], note=h.get("note"))
        for h in root.document["statusHistory"]
    ]


@strawberry.type
class Order(Node):
    id: strawberry.ID
    number: str
    items: list[OrderItem] = strawberry.field(resolver=_items)
    total: Money
    status: OrderStatus
    placed_at: datetime
    status_history: list[StatusChange] = strawberry.field(resolver=_status_history)
    customer_id: strawberry.Private[ObjectId]
    document: strawberry.Private[Document]

    @classmethod
    def from_document(cls, doc: Document) -> Order:
        return cls(
            id=encode_id(TYPE_NAME, doc["_id"]),
            total=Money.of(doc["total"], doc["currency"]),
            status=OrderStatus(doc["status"]),
            document=doc,
            **copied(doc, "number", "customer_id", "placed_at"),
        )

    @strawberry.field(
        description="Revenue minus cost of the lines with a cost (tracked products); null "
        "until the order ships."
    )
    def gross_margin(self) -> Money | None:
        costed = [item for item in self.document["items"] if "cost" in item]
        if not costed:
            return None
        margin = sum(item["unitPrice"] * item["quantity"] - item["cost"] for item in costed)
        return Money.of(margin, self.document["currency"])

    @strawberry.field
    async def customer(
        self, info: Info
    ) -> Annotated[Customer, strawberry.lazy("app.customers.graphql.types")] | None:
        return await load_node(info, "Customer", self.customer_id)  # type: ignore[no-any-return]


register_node(
    TYPE_NAME, Order.from_document, loaders.order, customer_reads=owned_by_customer("customerId")
)
