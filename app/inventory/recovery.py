"""The stock sweep the worker runs: finish moves a crashed process left half-applied, release
reservations of orders that were never written (or no longer hold stock), and queue paid
orders a crash left out of the fulfilment queue."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from app.core.db import MongoDatabase
from app.inventory.order_stock import OrderStock
from app.inventory.queue import FulfilmentQueue
from app.inventory.service import StockService, utc_now

log = logging.getLogger(__name__)

SWEEP_SECONDS = 60.0
# Paid orders are checked for a fulfilment this long after their last change, for an hour.
QUEUE_GRACE, QUEUE_WINDOW = timedelta(minutes=1), timedelta(hours=1)
BATCH = 200


class StockRecovery:
    def __init__(self, db: MongoDatabase, every: float = SWEEP_SECONDS) -> None:
        self.stock = StockService(db)
        self.orders = OrderStock(db)
        self.queue = FulfilmentQueue(db)
        self.every = every

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.run_once()
            except Exception:
                log.exception("the stock sweep failed; it runs again in %.0f s", self.every)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.every)

    async def run_once(self) -> int:
        finished = await self.stock.recover()
        released = await self.orders.release_orphans()
        queued = await self.queue_paid()
        if finished or released or queued:
            log.info(
                "stock sweep: %d moves finished, %d reservations released, %d orders queued",
                finished, released, queued,
            )  # fmt: skip
        return finished + released + queued

    async def queue_paid(self) -> int:
        """Queue paid orders with tracked items that have no fulfilment (the process that
        marked them paid died before queueing them)."""
        now = utc_now()
        paid = await self.orders.orders.recently_paid_with_stock(
            now - QUEUE_WINDOW, now - QUEUE_GRACE, BATCH
        )
        queued = 0
        for order in paid:
            if await self.queue.fulfilments.of_order(order["_id"]) is None:
                await self.queue.enqueue(order)
                queued += 1
        return queued
