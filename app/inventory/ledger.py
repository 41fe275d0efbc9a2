"""Applying stock moves so that a crash at any point leaves the ledger consistent.

MongoDB's multi-document transactions need a replica set, and the embedded store offers none,
so a move is a resumable sequence of single-document updates, each safe to repeat:

1. The move is written first (``PLANNING``), under a unique ``key``: a retry finds it.
2. It takes its stock level: ``pending`` names it. One move at a time per product and
   warehouse, so the lots and the cost it sees cannot change under it.
3. It is planned: the lots it takes (by the product's costing method), its cost, its number
   on the level (``seq``), the lot it adds. The plan is fixed once (``PENDING``).
4. The level counts it: one update guarded by ``pending`` and ``seq``, so it counts once.
   An outflow that needs available units is guarded by them too; refused, the move is
   ``FAILED`` and nothing has moved.
5. Its lots are taken (each lot remembers the moves that took from it) or added (under the
   ``_id`` the plan chose).
6. The level is let go, then the move is ``DONE``.

Whoever finds a level held by a move (another request, the recovery sweep after a crash)
finishes that move first, by the same steps: none of them does anything twice.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from bson import ObjectId

from app.core.db import Document, MongoDatabase
from app.inventory.costing import NotEnoughStock, consume
from app.inventory.models import LOT_SOURCES, CostingMethod, MoveState, StockMoveKind
from app.inventory.repository import (
    StockLevelRepository,
    StockLotRepository,
    StockMoveRepository,
)

log = logging.getLogger(__name__)

# How long a request waits for the move holding a level before finishing it itself; how
# often it looks (doubling from the first to the last); when it gives up.
HOLD_PATIENCE = timedelta(seconds=2)
HOLD_POLL_SECONDS = (0.01, 0.2)
HOLD_LIMIT = timedelta(seconds=60)


class MoveRefused(Exception):
    """The move could not be applied; nothing moved. ``code`` is an ErrorCode name."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class Ledger:
    def __init__(self, db: MongoDatabase) -> None:
        self.levels = StockLevelRepository(db)
        self.lots = StockLotRepository(db)
        self.moves = StockMoveRepository(db)

    async def record(self, move: Document) -> Document:
        """Write ``move`` (or find the one already written under its key) and apply it.
        Returns it done; raises ``MoveRefused`` if it failed."""
        written = await self.moves.insert(move)
        done = await self.finish(written)
        if done["state"] == MoveState.FAILED.value:
            error = done.get("error") or {}
            raise MoveRefused(error.get("code", "INVALID"), error.get("message", "Refused."))
        return done

    async def finish(self, move: Document) -> Document:
        """Take the move's level (waiting for, then finishing, whichever move holds it) and
        apply the move's remaining steps."""
        state = MoveState(move["state"])
        if state in (MoveState.DONE, MoveState.FAILED, MoveState.WAITING):
            return move
        waited_since = started = datetime.now(UTC)
        pause = HOLD_POLL_SECONDS[0]
        while datetime.now(UTC) - started < HOLD_LIMIT:
            level = await self.levels.take_hold(move["levelId"], move["_id"])
            if level is None:
                level = await self.levels.get(move["levelId"])
                assert level is not None
            holder = level["pending"]
            if holder == move["_id"]:
                return await self._apply(move, level)
            if holder is None:
                continue
            if state is MoveState.PENDING:  # planned, level let go: it is applied
                await self.moves.set_state(move["_id"], MoveState.DONE)
                return {**move, "state": MoveState.DONE.value}
            if datetime.now(UTC) - waited_since > HOLD_PATIENCE:
                other = await self.moves.get(holder)
                if other is not None:
                    log.info("finishing stock move %s, which holds level %s", holder, level["_id"])
                    await self._apply(other, level)
                waited_since = datetime.now(UTC)
            else:
                await asyncio.sleep(pause)
                pause = min(pause * 2, HOLD_POLL_SECONDS[1])
            current = await self.moves.get(move["_id"])
            assert current is not None
            move, state = current, MoveState(current["state"])
            if state in (MoveState.DONE, MoveState.FAILED):
                return move
        raise RuntimeError(f"stock level {move['levelId']} stayed held")

    async def _apply(self, move: Document, level: Document) -> Document:
        """Steps 3-6 for a move that holds ``level``."""
        if move["state"] == MoveState.PLANNING.value:
            try:
                plan = await self._plan(move, level)
            except MoveRefused as refused:
                return await self._fail(move, refused)
            planned = await self.moves.plan(move["_id"], plan)
            assert planned is not None
            move = planned
        if move["state"] != MoveState.PENDING.value:
            return move
        query, update = _level_change(move)
        if not await self.levels.commit(level["_id"], move["_id"], move["seq"], query, update):
            now = await self.levels.get(level["_id"])
            assert now is not None
            if now["pending"] == move["_id"] and now["seq"] == move["seq"] - 1:
                message = f"Only {now['available']} available; nothing was moved."
                return await self._fail(move, MoveRefused("INSUFFICIENT_STOCK", message))
        for take in move["lots"]:
            await self.lots.take(take["lot"], move["_id"], take["quantity"])
        for lot in move.get("newLots") or []:
            await self.lots.add(lot)
        await self.levels.let_go(level["_id"], move["_id"])
        await self.moves.set_state(move["_id"], MoveState.DONE)
        return {**move, "state": MoveState.DONE.value}

    async def _fail(self, move: Document, refused: MoveRefused) -> Document:
        error = {"code": refused.code, "message": refused.message}
        await self.moves.set_state(move["_id"], MoveState.FAILED, error=error)
        await self.levels.let_go(move["levelId"], move["_id"])
        return {**move, "state": MoveState.FAILED.value, "error": error}

    async def _plan(self, move: Document, level: Document) -> Document:
        kind = StockMoveKind(move["kind"])
        quantity = abs(move["quantity"])
        seq = level["seq"] + 1
        last = level.get("lastMoveAt")
        if kind is StockMoveKind.RECEIPT and last is not None and move["at"] < last:
            raise MoveRefused(
                "INVALID",
                f"receivedAt is before this product's latest move here ({last.isoformat()}); "
                "moves are recorded in the order they happen.",
            )
        if move["quantity"] > 0:
            entries = move.get("returned") or [{"quantity": quantity, "unitCost": move["unitCost"]}]
            lots = [
                {
                    "_id": ObjectId(),
                    "levelId": level["_id"],
                    "productId": level["productId"],
                    "warehouseId": level["warehouseId"],
                    "seq": seq * 1000 + index,  # arrival order, several lots per move
                    "receivedAt": move["at"],
                    "quantity": entry["quantity"],
                    "remaining": entry["quantity"],
                    "unitCost": entry["unitCost"],
                    "source": LOT_SOURCES[kind],
                    "reference": move.get("reference") or move.get("note"),
                    "moveId": move["_id"],
                    "takenBy": [],
                }
                for index, entry in enumerate(entries)
            ]
            cost = move.get("returnedCost")
            if cost is None:
                cost = sum(lot["quantity"] * lot["unitCost"] for lot in lots)
            return {"seq": seq, "lots": [], "newLots": lots, "totalCost": cost}
        lots = await self.lots.open_lots(level["_id"])
        method = CostingMethod(move.get("method") or CostingMethod.FIFO.value)
        try:
            taken = consume(lots, quantity, method, level["onHand"], level["value"])
        except NotEnoughStock as short:
            raise MoveRefused(
                "INSUFFICIENT_STOCK", f"Only {short.on_hand} on hand; nothing was moved."
            ) from None
        return {
            "seq": seq,
            "lots": [take.document() for take in taken.takes],
            "newLots": [],
            "totalCost": -taken.total_cost,
        }


def _level_change(move: Document) -> tuple[Document, Document]:
    """The guard and the update that count a planned move on its level."""
    quantity, cost = move["quantity"], move["totalCost"]
    change: dict[str, Any] = {"onHand": quantity, "value": cost}
    query: Document = {}
    update: Document = {"$set": {"lastMoveAt": move["at"]}}
    if move.get("held"):
        change["reserved"] = quantity  # the order's hold becomes the sale
        update["$pull"] = {"holds": {"orderId": move["orderId"]}}
    else:
        change["available"] = quantity
        if quantity < 0:
            query["available"] = {"$gte": -quantity}
    update["$inc"] = change
    return query, update
