"""Order types, queries and mutations, and the order lists and stats under a customer."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from bson import ObjectId

from app.core.db import Document
from app.core.errors import FieldError, InputError
from app.core.paging import PageRequest
from app.customers.graphql import Customer, CustomerStats, load_customer
from app.graphql.common import DateTimeFilter, Money, QueryBuilder, SortDirection, UserError, as_utc
from app.graphql.context import Info
from app.graphql.mutations import Target, run_mutation
from app.graphql.pagination import (
    Connection,
    load_by_id,
    nested_connection,
    page_request,
    sort_spec,
    top_level_connection,
)
from app.graphql.permissions import CRM_WRITERS, EVERYONE, allow
from app.graphql.relay import Node, decode_id_or_raise, decode_input_id, encode_id
from app.orders.models import OrderStatus
from app.orders.repository import OrderRepository
from app.orders.service import OrderLine, OrderService
from app.products.graphql import Product, load_product

TYPE_NAME = "Order"
DEFAULT_SORT = [("placedAt", -1)]
strawberry.enum(OrderStatus, description="Where an order stands.")


@strawberry.enum(description="Fields orders can be sorted by.")
class OrderOrderField(Enum):
    PLACED_AT = "placedAt"
    TOTAL = "total"
    NUMBER = "number"


@strawberry.input
class OrderOrderBy:
    field: OrderOrderField
    direction: SortDirection = SortDirection.ASC


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


@strawberry.type
class OrderItem:
    sku: str
    name: str
    quantity: int
    unit_price: Money
    line_total: Money
    product_id: strawberry.Private[ObjectId]

    @strawberry.field
    async def product(self, info: Info) -> Product | None:
        return await load_product(info, self.product_id)


@strawberry.type
class StatusChange:
    status: OrderStatus
    at: datetime
    note: str | None


@strawberry.type
class Order(Node):
    id: strawberry.ID
    number: str
    items: list[OrderItem]
    total: Money
    status: OrderStatus
    placed_at: datetime
    status_history: list[StatusChange]
    customer_id: strawberry.Private[ObjectId]

    @classmethod
    def from_document(cls, doc: Document) -> Order:
        currency = doc["currency"]
        return cls(
            id=encode_id(TYPE_NAME, doc["_id"]),
            number=doc["number"],
            customer_id=doc["customerId"],
            items=[
                OrderItem(
                    sku=item["sku"],
                    name=item["name"],
                    quantity=item["quantity"],
                    unit_price=Money.of(item["unitPrice"], currency),
                    line_total=Money.of(item["unitPrice"] * item["quantity"], currency),
                    product_id=item["productId"],
                )
                for item in doc["items"]
            ],
            total=Money.of(doc["total"], currency),
            status=OrderStatus(doc["status"]),
            placed_at=doc["placedAt"],
            status_history=[
                StatusChange(status=OrderStatus(h["status"]), at=h["at"], note=h.get("note"))
                for h in doc["statusHistory"]
            ],
        )

    @strawberry.field
    async def customer(self, info: Info) -> Customer | None:
        return await load_customer(info, self.customer_id)


async def load_order(info: Info, object_id: ObjectId) -> Order | None:
    doc = await load_by_id(info.context, OrderRepository, object_id)
    return Order.from_document(doc) if doc else None


async def orders_of_customer(
    info: Info,
    customer_id: ObjectId,
    request: PageRequest,
    filter: OrderFilter | None,
    order_by: list[OrderOrderBy] | None,
) -> Connection[Order]:
    query = (filter or OrderFilter()).to_query()
    return await nested_connection(
        info.context,
        info.context.get(OrderRepository),
        "customerId",
        customer_id,
        query,
        sort_spec(order_by, DEFAULT_SORT),
        request,
        Order.from_document,
    )


async def customer_stats(info: Info, customer_id: ObjectId) -> CustomerStats:
    repository = info.context.get(OrderRepository)

    async def load(keys: list[ObjectId]) -> list[Any]:
        stats = await repository.stats_by_customer(keys)
        return [stats.get(key) for key in keys]

    stats = await info.context.loader("customerStats", load).load(customer_id)
    if stats is None:
        return CustomerStats(
            order_count=0, total_spent=None, spend_by_currency=[], last_order_at=None
        )
    currencies = sorted(stats["currencies"], key=lambda c: (-c[1], c[0]))
    return CustomerStats(
        order_count=sum(c[1] for c in currencies),
        total_spent=Money.of(currencies[0][2], currencies[0][0]),
        spend_by_currency=[Money.of(spent, currency) for currency, _, spent in currencies],
        last_order_at=stats["last"],
    )


@strawberry.input
class OrderItemInput:
    product_id: strawberry.ID
    quantity: int


@strawberry.input(description="Prices and totals are taken from the products, not the client.")
class CreateOrderInput:
    customer_id: strawberry.ID
    items: list[OrderItemInput]
    placed_at: datetime | None = None


@strawberry.type(description="The order after the change, or why nothing changed.")
class OrderPayload:
    order: Order | None
    user_errors: list[UserError]


@strawberry.type
class CreateOrderPayload(OrderPayload):
    pass


@strawberry.type
class UpdateOrderStatusPayload(OrderPayload):
    pass


def _decode_order_input(input: CreateOrderInput) -> tuple[ObjectId, list[OrderLine]]:
    """Decode every ID in the input, reporting all malformed ones at once."""
    errors: list[FieldError] = []

    def decode(global_id: str, type_name: str, field: str) -> ObjectId:
        try:
            return decode_input_id(global_id, type_name, field)
        except InputError as error:
            errors.extend(error.errors)
            return ObjectId()

    customer_id = decode(input.customer_id, "Customer", "customerId")
    lines = [
        OrderLine(decode(item.product_id, "Product", f"items.{i}.productId"), item.quantity)
        for i, item in enumerate(input.items)
    ]
    if errors:
        raise InputError(errors)
    return customer_id, lines


@strawberry.type
class OrderQuery:
    @strawberry.field(extensions=[allow(EVERYONE)])
    async def order(self, info: Info, id: strawberry.ID) -> Order | None:
        return await load_order(info, decode_id_or_raise(id, TYPE_NAME))

    @strawberry.field(extensions=[allow(EVERYONE)])
    async def order_by_number(self, info: Info, number: str) -> Order | None:
        doc = await info.context.get(OrderRepository).by_number(number.strip().upper()[:40])
        return Order.from_document(doc) if doc else None

    @strawberry.field(extensions=[allow(EVERYONE)])
    async def orders(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: OrderFilter | None = None,
        order_by: list[OrderOrderBy] | None = None,
    ) -> Connection[Order]:
        request = page_request(first, after, last, before)
        query = (filter or OrderFilter()).to_query()
        sort = sort_spec(order_by, DEFAULT_SORT)
        repository = info.context.get(OrderRepository)
        return await top_level_connection(repository, query, sort, request, Order.from_document)


@strawberry.type
class OrderMutation:
    @strawberry.mutation(
        description="Place an order; nothing is written unless every line is valid.",
        extensions=[allow(CRM_WRITERS)],
    )
    async def create_order(self, info: Info, input: CreateOrderInput) -> CreateOrderPayload:
        service = info.context.get(OrderService)

        async def create() -> Document:
            customer_id, lines = _decode_order_input(input)
            placed_at = as_utc(input.placed_at) if input.placed_at else None
            return await service.create(customer_id, lines, placed_at)

        return await run_mutation(info, CreateOrderPayload, "order", create, *NODE)

    @strawberry.mutation(extensions=[allow(CRM_WRITERS)])
    async def update_order_status(
        self, info: Info, id: strawberry.ID, status: OrderStatus, note: str | None = None
    ) -> UpdateOrderStatusPayload:
        service = info.context.get(OrderService)

        async def update() -> Document:
            object_id = decode_input_id(id, TYPE_NAME, "id")
            return await service.update_status(object_id, status, note)

        target = Target(OrderRepository, id)
        return await run_mutation(
            info, UpdateOrderStatusPayload, "order", update, *NODE, target=target
        )


NODE = (Order.from_document, TYPE_NAME)
