"""``order``, ``orderByNumber``, ``orders`` and a customer's ``myOrders``."""

from __future__ import annotations

import strawberry

from app.graphql.connections import connection_field
from app.graphql.context import Info
from app.graphql.permissions import CUSTOMERS, EVERYONE, allow, own_records
from app.graphql.relay import decode_id_or_raise, load_node
from app.orders.graphql.inputs import OrderFilter, OrderOrderBy
from app.orders.graphql.types import Order
from app.orders.models import TYPE_NAME
from app.orders.repository import OrderRepository


@strawberry.type
class OrderQuery:
    @strawberry.field(extensions=[allow(EVERYONE)])
    async def order(self, info: Info, id: strawberry.ID) -> Order | None:
        node: Order | None = await load_node(info, TYPE_NAME, decode_id_or_raise(id, TYPE_NAME))
        return node

    @strawberry.field(extensions=[allow(EVERYONE)])
    async def order_by_number(self, info: Info, number: str) -> Order | None:
        doc = await info.context.get(OrderRepository).by_number(number.strip().upper()[:40])
        return Order.from_document(doc) if doc else None

    orders = connection_field(
        Order, OrderRepository, filter=OrderFilter, order_by=OrderOrderBy, roles=EVERYONE
    )
    my_orders = connection_field(
        Order,
        OrderRepository,
        filter=OrderFilter,
        order_by=OrderOrderBy,
        scope=own_records,
        roles=CUSTOMERS,
        description="The calling customer's own orders, newest first by default (a customer's "
        "token only: staff list `orders`). A filter naming another customer finds nothing.",
    )
