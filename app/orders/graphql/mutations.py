"""``createOrder`` and ``updateOrderStatus``."""

from __future__ import annotations

from typing import Annotated

import strawberry
from bson import ObjectId

from app.core.db import Document
from app.graphql.context import Info
from app.graphql.inputs import as_utc
from app.graphql.mutations import Idempotent, Mutations, request_params
from app.graphql.payloads import payload
from app.graphql.permissions import CRM_WRITERS, allow
from app.graphql.relay import decode_input_id
from app.orders.graphql.enums import OrderStatus
from app.orders.graphql.inputs import CreateOrderInput
from app.orders.graphql.types import Order
from app.orders.models import TYPE_NAME
from app.orders.repository import OrderRepository
from app.orders.service import OrderService

ORDERS = Mutations("order", Order.from_document, TYPE_NAME, OrderRepository, OrderService)


@payload("order", Order)
class CreateOrderPayload: ...


@payload("order", Order)
class UpdateOrderStatusPayload: ...


@strawberry.type
class OrderMutation:
    @strawberry.mutation(
        description="Place an order; nothing is written unless every line is valid.",
        extensions=[allow(CRM_WRITERS)],
    )
    async def create_order(self, info: Info, input: CreateOrderInput) -> CreateOrderPayload:

        async def create(service: OrderService) -> Document:
            customer_id, lines = input.decoded()
            placed_at = as_utc(input.placed_at) if input.placed_at else None
            warehouse_id = (
                decode_input_id(input.warehouse_id, "Warehouse", "warehouseId")
                if input.warehouse_id
                else None
            )
            return await service.create(customer_id, lines, placed_at, warehouse_id)

        key = Idempotent(input.idempotency_key, request_params(input))
        return await ORDERS.create(info, CreateOrderPayload, create, idempotency=key)

    @strawberry.mutation(
        description="Move an order on; its tracked stock follows (see the README).",
        extensions=[allow(CRM_WRITERS)],
    )
    async def update_order_status(
        self,
        info: Info,
        id: strawberry.ID,
        status: OrderStatus,
        note: str | None = None,
        restock: Annotated[
            bool,
            strawberry.argument(
                description="REFUNDED after delivery: the goods come back to stock."
            ),
        ] = True,
    ) -> UpdateOrderStatusPayload:
        actor = (await info.context.require_principal()).name

        async def update(service: OrderService, object_id: ObjectId) -> Document:
            return await service.update_status(
                object_id, status, note, restock=restock, actor=actor
            )

        return await ORDERS.change(info, UpdateOrderStatusPayload, id, update)
