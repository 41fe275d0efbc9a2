"""Ships an order and kills its own process at one step of the ledger (see test_ledger.py).

    python -m tests.inventory.crash <order id> <step>

Steps: ``commit`` (before the level counts the sale), ``lot`` (after the first lot is taken),
``let_go`` (before the level is let go).
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from typing import Any

from bson import ObjectId

from app.core.db import Database
from app.core.settings import Settings
from app.inventory.repository import StockLevelRepository, StockLotRepository
from app.orders.models import OrderStatus
from app.orders.service import OrderService


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def kill_at(step: str) -> None:
    if step == "commit":

        async def commit(*args: Any) -> bool:
            die()
            return False

        StockLevelRepository.commit = commit  # type: ignore[method-assign]
    elif step == "lot":
        take = StockLotRepository.take

        async def take_then_die(self: StockLotRepository, *args: Any) -> None:
            await take(self, *args)
            die()

        StockLotRepository.take = take_then_die  # type: ignore[method-assign]
    elif step == "let_go":

        async def let_go(*args: Any) -> None:
            die()

        StockLevelRepository.let_go = let_go  # type: ignore[method-assign]


async def main(order_id: str, step: str) -> None:
    kill_at(step)
    database = await Database.connect(Settings())
    await OrderService(database.db).update_status(ObjectId(order_id), OrderStatus.SHIPPED, None)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
