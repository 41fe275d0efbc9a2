"""``warehouses``, ``stockLevels``, ``stockMoves``, ``inventoryValuation``,
``reorderSuggestions`` and ``fulfilments``."""

from __future__ import annotations

from datetime import datetime

import strawberry

from app.auth.roles import Role
from app.graphql.connections import connection_field
from app.graphql.context import Info
from app.graphql.inputs import as_utc
from app.graphql.permissions import EVERYONE, allow
from app.graphql.relay import decode_id_or_raise
from app.graphql.types import Money
from app.inventory import reports
from app.inventory.graphql.inputs import FulfilmentFilter, StockLevelFilter, StockMoveFilter
from app.inventory.graphql.types import (
    Fulfilment,
    InventoryValuation,
    ReorderSuggestion,
    StockLevel,
    StockMove,
    ValuationRow,
    Warehouse,
)
from app.inventory.models import WAREHOUSE
from app.inventory.repository import (
    FulfilmentRepository,
    StockLevelRepository,
    StockMoveRepository,
    WarehouseRepository,
)
from app.inventory.service import utc_now

# ANALYST reads levels and valuation; the ledger and the queue are for the people who act.
STOCK_READERS = frozenset({Role.ADMIN, Role.MANAGER, Role.AGENT})


@strawberry.type
class InventoryQuery:
    @strawberry.field(description="Every warehouse, by code.", extensions=[allow(EVERYONE)])
    async def warehouses(self, info: Info) -> list[Warehouse]:
        docs = await info.context.get(WarehouseRepository).all()
        return [Warehouse.from_document(doc) for doc in docs]

    stock_levels = connection_field(
        StockLevel,
        StockLevelRepository,
        filter=StockLevelFilter,
        roles=EVERYONE,
        description="Stock per product and warehouse.",
    )
    stock_moves = connection_field(
        StockMove,
        StockMoveRepository,
        filter=StockMoveFilter,
        roles=STOCK_READERS,
        description="The stock ledger, newest first.",
    )
    fulfilments = connection_field(
        Fulfilment,
        FulfilmentRepository,
        filter=FulfilmentFilter,
        roles=STOCK_READERS,
        description="The fulfilment queue in claim order: highest priority, then oldest.",
    )

    @strawberry.field(
        description="The cost of stock per product and warehouse, now or as of a past time.",
        extensions=[allow(EVERYONE)],
    )
    async def inventory_valuation(
        self, info: Info, warehouse_id: strawberry.ID | None = None, as_of: datetime | None = None
    ) -> InventoryValuation:
        warehouse = decode_id_or_raise(warehouse_id, WAREHOUSE) if warehouse_id else None
        when = as_utc(as_of) if as_of else None
        rows = await reports.valuation(info.context.db, warehouse, when)
        return InventoryValuation(
            as_of=when or utc_now(),
            rows=[
                ValuationRow(
                    product_id=row.product_id,
                    warehouse_id=row.warehouse_id,
                    quantity=row.quantity,
                    value=Money.of(row.value, row.currency),
                )
                for row in rows
            ],
            totals=[Money.of(value, code) for code, value in reports.totals(rows).items()],
        )

    @strawberry.field(
        description="What to reorder: levels at or below their reorder point, most urgent first.",
        extensions=[allow(EVERYONE)],
    )
    async def reorder_suggestions(
        self, info: Info, warehouse_id: strawberry.ID | None = None
    ) -> list[ReorderSuggestion]:
        warehouse = decode_id_or_raise(warehouse_id, WAREHOUSE) if warehouse_id else None
        return [
            ReorderSuggestion(
                product_id=s.level["productId"],
                warehouse_id=s.level["warehouseId"],
                available=s.level["available"],
                reorder_point=s.reorder_point,
                suggested_quantity=s.quantity,
                reason=s.reason,
            )
            for s in await reports.reorder_suggestions(info.context.db, warehouse)
        ]
