"""What stock costs: reservations, a hot product under concurrency, valuation and reorder.

    .venv/bin/python scripts/bench/inventory.py [--orders 300] [--products 10000] [--lots 20]

One embedded store (`crm db`, a SQLite file in a temp dir), or MongoDB when CRM_MONGODB_URL
is set; the app's schema runs in this process, as a request would (an ADMIN caller).

1. `createOrder` of one line, back to back: orders/s for an untracked product and for a
   tracked one (which reserves), on the same store.
2. 32 clients placing `createOrder` for the same tracked product at once: p50/p99 latency, and
   that exactly as many units were reserved as there were.
3. `inventoryValuation` (now, and as of a past time) and `reorderSuggestions` over
   --products tracked products with --lots cost lots each, loaded straight into the
   collections (each lot a RECEIPT move, and a few days of sales per product).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bson import ObjectId  # noqa: E402

from app.core.db import Database, Document  # noqa: E402
from app.core.settings import Settings  # noqa: E402
from app.core.store import EmbeddedStore  # noqa: E402
from app.graphql.context import Context  # noqa: E402
from app.inventory.models import MoveState, new_level  # noqa: E402
from app.inventory.service import StockService  # noqa: E402
from app.products.models import new_product  # noqa: E402
from app.repositories import REPOSITORIES  # noqa: E402
from app.schema import create_schema  # noqa: E402

ORDER = """mutation($input: CreateOrderInput!) {
  createOrder(input: $input) { order { id } userErrors { code } } }"""
VALUATION = """query($asOf: DateTime) { inventoryValuation(asOf: $asOf) {
  rows { quantity value { amount } } totals { amount currency } } }"""
REORDER = "{ reorderSuggestions { suggestedQuantity } }"
BATCH = 1000
COST = Decimal("4.00")
CLIENTS = 32


class Api:
    def __init__(self, database: Database) -> None:
        self.settings = Settings(database=database.db.name, env="development")
        self.schema = create_schema(self.settings)
        self.db = database.db

    async def __call__(self, query: str, **variables: Any) -> Any:
        context = Context(self.db, self.settings)
        result = await self.schema.execute(query, variable_values=variables, context_value=context)
        if result.errors:
            raise SystemExit(f"GraphQL errors: {result.errors}")
        return result.data


async def place(api: Api, customer: ObjectId, product: ObjectId) -> tuple[float, bool]:
    line = {"customerId": gid("Customer", customer),
            "items": [{"productId": gid("Product", product), "quantity": 1}]}  # fmt: skip
    started = time.perf_counter()
    data = await api(ORDER, input=line)
    return time.perf_counter() - started, data["createOrder"]["order"] is not None


def gid(kind: str, object_id: ObjectId) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{object_id}".encode()).decode().rstrip("=")


async def orders_per_second(api: Api, customer: ObjectId, product: ObjectId, count: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        _, placed = await place(api, customer, product)
        assert placed
    return count / (time.perf_counter() - started)


async def hot_product(api: Api, customer: ObjectId, product: ObjectId, units: int) -> None:
    results: list[tuple[float, bool]] = []

    async def client() -> None:
        for _ in range(max(1, units * 2 // CLIENTS)):
            results.append(await place(api, customer, product))

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(CLIENTS)))
    elapsed = time.perf_counter() - started
    times = sorted(seconds for seconds, _ in results)
    placed = sum(1 for _, ok in results if ok)
    level = await api.db["stock_levels"].find_one({"productId": product})
    assert level is not None
    print(f"2. {CLIENTS} clients, {len(results)} createOrder on one product with {units} units "
          f"in {elapsed:.1f} s: p50 {times[len(times) // 2] * 1000:.0f} ms, "
          f"p99 {times[len(times) * 99 // 100] * 1000:.0f} ms; {placed} placed, "
          f"reserved {level['reserved']}, available {level['available']}")  # fmt: skip
    if placed != units or level["reserved"] != units or level["available"] != 0:
        raise SystemExit("oversold or undersold")


async def load_catalogue(db: Any, products: int, lots: int, now: datetime) -> None:
    """Tracked products, each with ``lots`` receipts and some sales, straight into the store."""
    rng = random.Random(11)
    warehouse = await StockService(db).warehouse(None, "warehouseId")
    started = time.perf_counter()
    for first in range(0, products, BATCH // lots or 1):
        batch_products, levels, lot_docs, moves = [], [], [], []
        for index in range(first, min(products, first + max(1, BATCH // lots))):
            fields = {"_id": ObjectId(), "sku": f"BULK-{index:06d}", "name": f"Bulk {index}",
                      "price": 2_000, "currency": "USD", "trackInventory": True,
                      "costingMethod": "FIFO"}  # fmt: skip
            product = new_product(fields, now)
            batch_products.append(product)
            level = new_level(product, warehouse["_id"])
            on_hand = value = 0
            for seq in range(1, lots + 1):
                quantity, cost = rng.randint(5, 50), rng.randint(500, 1_500)
                at = now - timedelta(days=200 - seq * 5)
                lot_id, move_id = ObjectId(), ObjectId()
                lot_docs.append({
                    "_id": lot_id, "levelId": level["_id"], "productId": product["_id"],
                    "warehouseId": warehouse["_id"], "seq": seq * 1000, "receivedAt": at,
                    "quantity": quantity, "remaining": quantity, "unitCost": cost,
                    "source": "RECEIPT", "takenBy": [],
                })  # fmt: skip
                moves.append(receipt(move_id, level, quantity, cost, at, seq))
                on_hand, value = on_hand + quantity, value + quantity * cost
            for day in range(rng.randint(0, 6)):  # recent sales: demand for reorder points
                moves.append({**receipt(ObjectId(), level, -1, 0, now - timedelta(days=day), 0),
                              "kind": "SALE", "key": str(ObjectId())})  # fmt: skip
            level.update({"onHand": on_hand, "available": on_hand, "value": value, "seq": lots,
                          "lastMoveAt": now - timedelta(days=100)})  # fmt: skip
            levels.append(level)
        await db["products"].insert_many(batch_products)
        await db["stock_levels"].insert_many(levels)
        await db["stock_lots"].insert_many(lot_docs)
        await db["stock_moves"].insert_many(moves)
    print(f"   loaded {products:,} products x {lots} lots ({products * lots:,} lots and "
          f"moves) in {time.perf_counter() - started:.0f} s")  # fmt: skip


def receipt(
    move_id: ObjectId, level: Document, quantity: int, cost: int, at: datetime, seq: int
) -> Document:
    return {"_id": move_id, "kind": "RECEIPT", "productId": level["productId"],
            "warehouseId": level["warehouseId"], "levelId": level["_id"], "currency": "USD",
            "quantity": quantity, "unitCost": cost, "totalCost": quantity * cost, "at": at,
            "state": MoveState.DONE.value, "key": str(move_id), "lots": [], "seq": seq,
            "createdAt": at}  # fmt: skip


async def timed(api: Api, query: str, **variables: Any) -> tuple[float, Any]:
    runs = []
    data = None
    for _ in range(3):
        started = time.perf_counter()
        data = await api(query, **variables)
        runs.append(time.perf_counter() - started)
    return statistics.median(runs), data


async def bench(args: argparse.Namespace, url: str) -> None:
    database = await Database.connect(Settings(mongodb_url=url, database="bench_inventory"))
    try:
        await database.client.drop_database("bench_inventory")
        await database.ensure_indexes(REPOSITORIES)
        api, db, now = Api(database), database.db, datetime.now(UTC)
        customer = ObjectId()
        await db["customers"].insert_one({
            "_id": customer, "name": "Bench", "email": "b@x.io", "tags": [],
            "lifecycleStage": "CUSTOMER", "createdAt": now, "updatedAt": now, "archivedAt": None,
        })  # fmt: skip
        plain, tracked, hot = (ObjectId() for _ in range(3))
        for product_id, sku, track in ((plain, "PLAIN", False), (tracked, "KEPT", True),
                                       (hot, "HOT", True)):  # fmt: skip
            fields = {"_id": product_id, "sku": sku, "name": sku, "price": 1_000,
                      "currency": "USD", "trackInventory": track,
                      "costingMethod": "FIFO"}  # fmt: skip
            await db["products"].insert_one(new_product(fields, now))
        stock = StockService(db)
        for product_id, units in ((tracked, 1_000_000), (hot, args.hot_units)):
            await stock.receive(product_id, None, units, (COST, "USD"), None, None, "bench")
        await orders_per_second(api, customer, plain, 20)  # warm-up
        untracked_rate = await orders_per_second(api, customer, plain, args.orders)
        tracked_rate = await orders_per_second(api, customer, tracked, args.orders)
        print(f"1. createOrder, {args.orders} back to back: {untracked_rate:.0f} orders/s "
              f"without stock, {tracked_rate:.0f} orders/s reserving "
              f"({tracked_rate / untracked_rate:.2f}x)")  # fmt: skip
        await hot_product(api, customer, hot, args.hot_units)
        await load_catalogue(db, args.products, args.lots, now)
        seconds, data = await timed(api, VALUATION)
        rows = len(data["inventoryValuation"]["rows"])
        print(f"3. inventoryValuation now: {seconds * 1000:.0f} ms for {rows:,} rows")
        past = (now - timedelta(days=120)).isoformat()
        seconds, data = await timed(api, VALUATION, asOf=past)
        rows = len(data["inventoryValuation"]["rows"])
        print(
            f"   inventoryValuation as of 120 days ago: {seconds * 1000:.0f} ms for {rows:,} rows"
        )
        seconds, data = await timed(api, REORDER)
        print(f"   reorderSuggestions: {seconds * 1000:.0f} ms, "
              f"{len(data['reorderSuggestions']):,} suggestions")  # fmt: skip
    finally:
        await database.client.drop_database("bench_inventory")
        await database.close()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--hot-units", type=int, default=100)
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--lots", type=int, default=20)
    args = parser.parse_args()
    url = os.environ.get("CRM_MONGODB_URL")
    if url:
        await bench(args, url)
        return
    with tempfile.TemporaryDirectory(prefix="crm-inventory-bench-") as folder:
        store = await EmbeddedStore.open(str(Path(folder) / "crm.sqlite"))
        try:
            await bench(args, store.uri)
        finally:
            await store.close()


if __name__ == "__main__":
    asyncio.run(main())
