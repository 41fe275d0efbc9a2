"""Stock mutations (MANAGER and ADMIN) and the fulfilment queue's (AGENT too)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import strawberry
from bson import ObjectId

from app.core.db import Document
from app.core.validation import Checker
from app.graphql.context import Info
from app.graphql.mutations import Mutations, run_mutation
from app.graphql.payloads import payload
from app.graphql.permissions import CRM_WRITERS, TICKET_WRITERS, allow
from app.graphql.relay import decode_input_id
from app.graphql.types import UserError
from app.inventory.graphql.inputs import (
    AdjustStockInput,
    CreateWarehouseInput,
    ReceiveStockInput,
    SetReorderRuleInput,
    TransferStockInput,
    input_id,
)
from app.inventory.graphql.types import Fulfilment, StockLevel, Warehouse
from app.inventory.models import FULFILMENT, WAREHOUSE
from app.inventory.queue import FulfilmentQueue
from app.inventory.repository import FulfilmentRepository, WarehouseRepository
from app.inventory.service import StockService
from app.orders.graphql.enums import OrderStatus
from app.orders.service import OrderService

LEVEL = "StockLevel"
WAREHOUSES = Mutations(
    "warehouse", Warehouse.from_document, WAREHOUSE, WarehouseRepository, StockService
)
FULFILMENTS = Mutations(
    "fulfilment", Fulfilment.from_document, FULFILMENT, FulfilmentRepository, FulfilmentQueue
)
# Who works the queue: pickers are agents; completing a fulfilment ships its order.
PICKERS = TICKET_WRITERS


@payload("warehouse", Warehouse)
class CreateWarehousePayload: ...


@payload("stock_level", StockLevel)
class StockLevelPayload: ...


@strawberry.type(description="The stock at both ends of a transfer.")
class TransferStockPayload:
    source: StockLevel | None
    user_errors: list[UserError]
    destination: StockLevel | None = None


@payload("fulfilment", Fulfilment, description="The fulfilment; null when the queue is empty.")
class FulfilmentPayload: ...


async def _actor(info: Info) -> str:
    return (await info.context.require_principal()).name


async def _stock(
    info: Info, change: Callable[[StockService, str], Awaitable[Document]]
) -> StockLevelPayload:
    """Run ``change(service, actor)``: the stock level it returns, audited as a StockLevel."""
    service, actor = info.context.get(StockService), await _actor(info)
    payload: StockLevelPayload = await run_mutation(
        info, StockLevelPayload, "stock_level", lambda: change(service, actor),
        StockLevel.from_document, LEVEL,
    )  # fmt: skip
    return payload


@strawberry.type
class InventoryMutation:
    @strawberry.mutation(extensions=[allow(CRM_WRITERS)])
    async def create_warehouse(
        self, info: Info, input: CreateWarehouseInput
    ) -> CreateWarehousePayload:
        return await WAREHOUSES.create(
            info, CreateWarehousePayload, lambda s: s.create_warehouse(input.code, input.name)
        )

    @strawberry.mutation(
        description="Stock arrives at a cost: a new cost lot.", extensions=[allow(CRM_WRITERS)]
    )
    async def receive_stock(self, info: Info, input: ReceiveStockInput) -> StockLevelPayload:
        cost = (input.unit_cost.amount, input.unit_cost.currency)
        return await _stock(
            info,
            lambda service, actor: service.receive(
                *input.target(), input.quantity, cost, input.received(), input.reference, actor
            ),
        )

    @strawberry.mutation(extensions=[allow(CRM_WRITERS)])
    async def adjust_stock(self, info: Info, input: AdjustStockInput) -> StockLevelPayload:
        return await _stock(
            info,
            lambda service, actor: service.adjust(
                *input.target(), input.quantity_delta, input.reason, actor
            ),
        )

    @strawberry.mutation(
        description="Move units between warehouses at the cost they have.",
        extensions=[allow(CRM_WRITERS)],
    )
    async def transfer_stock(self, info: Info, input: TransferStockInput) -> TransferStockPayload:
        service, actor = info.context.get(StockService), await _actor(info)
        destination: list[Document] = []

        async def transfer() -> Document:
            source, target = await service.transfer(
                decode_input_id(input.product_id, "Product", "productId"),
                decode_input_id(input.from_warehouse_id, WAREHOUSE, "fromWarehouseId"),
                decode_input_id(input.to_warehouse_id, WAREHOUSE, "toWarehouseId"),
                input.quantity,
                actor,
            )
            destination.append(target)
            return source

        result: TransferStockPayload = await run_mutation(
            info, TransferStockPayload, "source", transfer, StockLevel.from_document, LEVEL
        )
        if destination:
            result.destination = StockLevel.from_document(destination[0])
        return result

    @strawberry.mutation(extensions=[allow(CRM_WRITERS)])
    async def set_reorder_rule(self, info: Info, input: SetReorderRuleInput) -> StockLevelPayload:
        rule = {"min": input.min, "max": input.max, "multiple": input.multiple,
                "leadTimeDays": input.lead_time_days}  # fmt: skip
        return await _stock(
            info, lambda service, _: service.set_reorder_rule(*input.target(), rule)
        )

    @strawberry.mutation(
        description="Take the next fulfilment of a warehouse (default MAIN): the highest "
        "priority, then the oldest; each goes to one caller however many ask at once. Null "
        "when none waits.",
        extensions=[allow(PICKERS)],
    )
    async def claim_next_fulfilment(
        self, info: Info, warehouse_id: strawberry.ID | None = None
    ) -> FulfilmentPayload:
        stock, queue = info.context.get(StockService), info.context.get(FulfilmentQueue)
        actor = await _actor(info)

        async def claim() -> Document:
            given = input_id(warehouse_id, WAREHOUSE, "warehouseId")
            warehouse = await stock.warehouse(given, "warehouseId")
            claimed = await queue.claim_next(warehouse["_id"], actor)
            if claimed is None:
                raise QueueEmpty
            return claimed

        try:
            return await run_mutation(
                info, FulfilmentPayload, "fulfilment", claim, Fulfilment.from_document, FULFILMENT
            )
        except QueueEmpty:
            return FulfilmentPayload(fulfilment=None, user_errors=[])  # type: ignore[call-arg]

    @strawberry.mutation(
        description="The caller's fulfilment is packed: its order becomes SHIPPED.",
        extensions=[allow(PICKERS)],
    )
    async def complete_fulfilment(
        self, info: Info, id: strawberry.ID, tracking_number: str
    ) -> FulfilmentPayload:
        orders, actor = info.context.get(OrderService), await _actor(info)

        async def complete(queue: FulfilmentQueue, object_id: ObjectId) -> Document:
            check = Checker()
            tracking = check.text("trackingNumber", tracking_number, required=True, max_length=100)
            check.raise_if_any()
            picked = await queue.picked(object_id, actor)
            note = f"tracking number {tracking}"
            await orders.update_status(picked["orderId"], OrderStatus.SHIPPED, note, actor=actor)
            return await queue.done(object_id, actor, tracking or "")

        return await FULFILMENTS.change(info, FulfilmentPayload, id, complete)

    @strawberry.mutation(description="Set a fulfilment aside.", extensions=[allow(PICKERS)])
    async def hold_fulfilment(
        self, info: Info, id: strawberry.ID, reason: str
    ) -> FulfilmentPayload:
        return await FULFILMENTS.change(
            info, FulfilmentPayload, id, lambda queue, object_id: queue.hold(object_id, reason)
        )

    @strawberry.mutation(description="Back in the queue, unclaimed.", extensions=[allow(PICKERS)])
    async def release_fulfilment(self, info: Info, id: strawberry.ID) -> FulfilmentPayload:
        return await FULFILMENTS.change(info, FulfilmentPayload, id, FulfilmentQueue.release)

    @strawberry.mutation(
        description="Override the priority that follows the customer's value (0-100).",
        extensions=[allow(CRM_WRITERS)],
    )
    async def set_fulfilment_priority(
        self, info: Info, id: strawberry.ID, priority: int
    ) -> FulfilmentPayload:
        return await FULFILMENTS.change(
            info,
            FulfilmentPayload,
            id,
            lambda queue, object_id: queue.set_priority(object_id, priority),
        )


class QueueEmpty(Exception):
    """Nothing to claim: a null fulfilment, not an error."""
