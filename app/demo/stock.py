"""Demo stock: a second warehouse, tracked products received at varying costs, and a queue
of paid orders waiting for pickers (some already shipped). Made through the services, so
every rule of the ledger applies."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

from app.core.db import Document, MongoDatabase
from app.core.money import from_minor
from app.inventory.models import CostingMethod
from app.inventory.service import StockService
from app.orders.models import OrderStatus
from app.orders.service import OrderLine, OrderService
from app.products.repository import ProductRepository

TRACKED = 12  # products whose stock is kept
PAID_ORDERS = 14
SHIPPED = 4
ACTOR = "demo"


async def stock_demo(
    db: MongoDatabase, products: list[Document], customers: list[Document], seed: int,
    now: datetime,
) -> dict[str, int]:  # fmt: skip
    """Returns how many warehouses, receipts and paid orders it made."""
    rng = random.Random(seed)
    stock, orders = StockService(db), OrderService(db)
    main = await stock.warehouse(None, "warehouseId")
    east = await stock.create_warehouse("EAST", "East coast warehouse")
    catalogue = ProductRepository(db)
    on_sale = [p for p in products if p.get("active", True)]
    tracked = rng.sample(on_sale, min(TRACKED, len(on_sale)))
    methods = list(CostingMethod)
    receipts = 0
    for index, product in enumerate(tracked):
        method = methods[index % len(methods)]
        await catalogue.update(
            product["_id"], {"trackInventory": True, "costingMethod": method.value}
        )
        for days_ago in (60, 30, 7):
            for warehouse in (main, east) if index % 3 == 0 else (main,):
                share = Decimal(rng.randint(40, 60)) / 100  # cost: 40-60% of the price
                unit = (from_minor(product["price"], "USD") * share).quantize(Decimal("0.01"))
                await stock.receive(
                    product["_id"], warehouse["_id"], rng.randint(20, 60), (unit, "USD"),
                    now - timedelta(days=days_ago), f"PO-{index + 1:03d}-{days_ago}", ACTOR,
                )  # fmt: skip
                receipts += 1
    active = [c for c in customers if c.get("archivedAt") is None]
    buyers = rng.sample(active, min(PAID_ORDERS, len(active)))
    for number, customer in enumerate(buyers):
        lines = [
            OrderLine(product["_id"], rng.randint(1, 3))
            for product in rng.sample(tracked, rng.randint(1, 2))
        ]
        order = await orders.create(customer["_id"], lines)
        await orders.update_status(order["_id"], OrderStatus.PAID, None, actor=ACTOR)
        if number < SHIPPED:
            await orders.update_status(order["_id"], OrderStatus.SHIPPED, None, actor=ACTOR)
    return {"warehouses": 2, "receipts": receipts, "paid orders": len(buyers)}
