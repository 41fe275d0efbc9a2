"""Order rules: prices come from the catalogue, totals are computed, statuses move legally."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bson import ObjectId

from app.core.counters import CounterRepository
from app.core.db import Document, MongoDatabase
from app.core.errors import ErrorCode, InputError
from app.core.money import MAX_MINOR_UNITS
from app.core.validation import Checker, check_transition
from app.customers.repository import CustomerRepository
from app.inventory.models import FulfilmentStatus
from app.inventory.order_stock import OrderStock, tracked_lines
from app.inventory.queue import FulfilmentQueue
from app.inventory.service import StockService
from app.orders.models import TRANSITIONS, OrderStatus, new_order, order_total
from app.orders.repository import OrderRepository
from app.products.repository import ProductRepository

MAX_ITEMS = 100
MAX_QUANTITY = 10_000
TOTAL_TOO_LARGE = (
    f"The order total passes the largest amount the CRM stores ({MAX_MINOR_UNITS:,} minor "
    "units): split the order."
)
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class OrderLine:
    product_id: ObjectId
    quantity: int


class OrderService:
    """Creates orders from catalogue prices and moves them through their statuses."""

    def __init__(self, db: MongoDatabase) -> None:
        self.orders = OrderRepository(db)
        self.customers = CustomerRepository(db)
        self.products = ProductRepository(db)
        self.counters = CounterRepository(db)
        self.stock = StockService(db)
        self.order_stock = OrderStock(db)
        self.queue = FulfilmentQueue(db)

    async def create(
        self,
        customer_id: ObjectId,
        lines: list[OrderLine],
        placed_at: datetime | None = None,
        warehouse_id: ObjectId | None = None,
    ) -> Document:
        """Check every line first: an order with one bad line writes nothing. Tracked lines
        are reserved in the warehouse (default MAIN), all or none."""
        check = Checker()
        now = datetime.now(UTC)
        customer = await self.customers.get(customer_id)
        if customer is None:
            check.add("customerId", ErrorCode.NOT_FOUND, "No customer has this ID.")
        elif customer.get("archivedAt") is not None:
            check.add("customerId", ErrorCode.INVALID, "The customer is archived; restore first.")
        if not lines:
            check.add("items", ErrorCode.REQUIRED, "An order needs at least one item.")
        elif len(lines) > MAX_ITEMS:
            check.add("items", ErrorCode.OUT_OF_RANGE, f"An order takes at most {MAX_ITEMS} items.")
        if placed_at is not None and placed_at > now + CLOCK_SKEW:
            check.add("placedAt", ErrorCode.OUT_OF_RANGE, "placedAt cannot be in the future.")
        items = await self._items(check, lines[:MAX_ITEMS])
        if order_total(items) >= MAX_MINOR_UNITS:
            check.add("items", ErrorCode.OUT_OF_RANGE, TOTAL_TOO_LARGE)
        warehouse = None
        if warehouse_id is not None or any(item["tracked"] for item in items):
            try:
                warehouse = await self.stock.warehouse(warehouse_id, "warehouseId")
            except InputError as error:
                check.errors.extend(error.errors)
        check.raise_if_any()
        order_id = ObjectId()
        if warehouse is not None:
            await self.order_stock.reserve(order_id, warehouse, items)
        currency = items[0].pop("currency")
        for item in items[1:]:
            item.pop("currency")
        document = new_order(
            number=await self.counters.next_number("orders", "SO"),
            customer_id=customer_id,
            items=items,
            currency=currency,
            placed_at=placed_at or now,
            history=[{"status": OrderStatus.PENDING.value, "at": now, "note": None}],
            now=now,
        )
        document["_id"] = order_id
        if warehouse is not None:
            document["warehouseId"] = warehouse["_id"]
        try:
            return await self.orders.insert(document)
        except BaseException:
            if warehouse is not None:
                await self.order_stock.release(document)
            raise

    async def _items(self, check: Checker, lines: list[OrderLine]) -> list[dict[str, Any]]:
        products = await self.products.get_many([line.product_id for line in lines])
        items: list[dict[str, Any]] = []
        currency: str | None = None
        for index, (line, product) in enumerate(zip(lines, products, strict=True)):
            field = f"items.{index}"
            if not 1 <= line.quantity <= MAX_QUANTITY:
                check.add(
                    f"{field}.quantity",
                    ErrorCode.OUT_OF_RANGE,
                    f"quantity must be between 1 and {MAX_QUANTITY}.",
                )
            if product is None:
                check.add(f"{field}.productId", ErrorCode.NOT_FOUND, "No product has this ID.")
                continue
            if not product.get("active", True):
                check.add(f"{field}.productId", ErrorCode.INVALID, "The product is not on sale.")
            currency = currency or product["currency"]
            if product["currency"] != currency:
                check.add(
                    f"{field}.productId",
                    ErrorCode.INVALID,
                    f"Priced in {product['currency']}; this order is in {currency}.",
                )
            items.append(
                {
                    "productId": product["_id"],
                    "sku": product["sku"],
                    "name": product["name"],
                    "quantity": line.quantity,
                    "unitPrice": product["price"],
                    "currency": product["currency"],
                    "tracked": bool(product.get("trackInventory")),
                }
            )
        return items

    async def update_status(
        self,
        order_id: ObjectId,
        status: OrderStatus,
        note: str | None,
        *,
        restock: bool = True,
        actor: str = "system",
    ) -> Document:
        """Move the order on, and its stock with it: PAID queues it for picking, SHIPPED
        sells what it reserved (each line's cost recorded), CANCELLED releases it, REFUNDED
        releases it or, once delivered, returns the goods (unless ``restock`` is false).

        Stock moves come first and are idempotent: a retry after a crash finishes them."""
        check = Checker()
        note = check.text("note", note, max_length=500)
        check.raise_if_any()
        order = await self.orders.get(order_id)
        if order is None:
            raise InputError.one("id", ErrorCode.NOT_FOUND, "No order has this ID.")
        current = OrderStatus(order["status"])
        check_transition(TRANSITIONS, current, status)
        tracked = order.get("warehouseId") is not None and bool(tracked_lines(order["items"]))
        changes: dict[str, Any] = {}
        if tracked and status is OrderStatus.SHIPPED:
            costs = await self.order_stock.ship(order, actor)
            changes["items"] = with_costs(order["items"], costs)
        delivered = current is OrderStatus.DELIVERED
        if tracked and restock and status is OrderStatus.REFUNDED and delivered:
            await self.order_stock.restock(order, actor)
        now = datetime.now(UTC)
        entry = {"status": status.value, "at": now, "note": note}
        updated = await self.orders.change_status(
            order_id, current.value, status.value, entry, now, changes
        )
        if updated is None:
            raise InputError.one(
                "status", ErrorCode.INVALID_TRANSITION, "The order changed meanwhile; reload it."
            )
        if tracked:
            await self._after(updated, current, status)
        return updated

    async def _after(self, order: Document, was: OrderStatus, status: OrderStatus) -> None:
        if status is OrderStatus.PAID:
            await self.queue.enqueue(order)
        elif status is OrderStatus.SHIPPED:
            await self.queue.close(order["_id"], FulfilmentStatus.DONE.value)
        elif status in (OrderStatus.CANCELLED, OrderStatus.REFUNDED) and was in (
            OrderStatus.PENDING,
            OrderStatus.PAID,
        ):
            await self.order_stock.release(order)
            await self.queue.close(order["_id"], FulfilmentStatus.CANCELLED.value)


def with_costs(items: list[Document], costs: dict[ObjectId, int]) -> list[Document]:
    """The items with each tracked line's cost: a product's cost shared among its lines by
    quantity (the last line takes the rounding)."""
    left = dict(costs)
    units: dict[ObjectId, int] = {}
    for item in items:
        if item.get("tracked"):
            units[item["productId"]] = units.get(item["productId"], 0) + item["quantity"]
    out = []
    for item in items:
        product = item["productId"]
        if not item.get("tracked") or product not in costs:
            out.append(item)
            continue
        share = left[product] * item["quantity"] // units[product]
        units[product] -= item["quantity"]
        cost = left[product] if units[product] == 0 else share
        left[product] -= cost
        out.append({**item, "cost": cost})
    return out
