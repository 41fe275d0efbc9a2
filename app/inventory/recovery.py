"""The stock sweep the worker runs: finish moves a crashed process left half-applied, and
release reservations of orders that were never written (or no longer hold stock)."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from app.core.db import MongoDatabase
from app.inventory.order_stock import OrderStock
from app.inventory.service import StockService

log = logging.getLogger(__name__)

SWEEP_SECONDS = 60.0


class StockRecovery:
    def __init__(self, db: MongoDatabase, every: float = SWEEP_SECONDS) -> None:
        self.stock = StockService(db)
        self.orders = OrderStock(db)
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
        if finished or released:
            log.info("stock sweep: %d moves finished, %d reservations released", finished, released)
        return finished + released
