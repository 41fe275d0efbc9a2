"""Stock rules: warehouses, receipts, adjustments, transfers, reorder rules, and what orders
do to stock (reserve when placed, sell when shipped, release when cancelled, return when
refunded). Every move goes through the ledger (app.inventory.ledger)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from bson import ObjectId

from app.core.db import Document, MongoDatabase
from app.core.errors import ErrorCode, InputError
from app.core.money import MoneyError, check_currency, to_minor
from app.core.validation import Checker
from app.inventory.ledger import Ledger, MoveRefused
from app.inventory.models import (
    DEFAULT_WAREHOUSE,
    CostingMethod,
    MoveState,
    StockMoveKind,
    new_level,
    new_move,
    new_warehouse,
)
from app.inventory.repository import (
    StockLevelRepository,
    StockMoveRepository,
    WarehouseRepository,
)
from app.products.repository import ProductRepository

MAX_UNITS = 1_000_000
CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,19}$")
CLOCK_SKEW = timedelta(minutes=5)
RECOVERY_BATCH = 200


def default_warehouse(now: datetime) -> Document:
    return new_warehouse(DEFAULT_WAREHOUSE, "Main warehouse", now)


class StockService:
    def __init__(self, db: MongoDatabase) -> None:
        self.warehouses = WarehouseRepository(db)
        self.levels = StockLevelRepository(db)
        self.moves = StockMoveRepository(db)
        self.products = ProductRepository(db)
        self.ledger = Ledger(db)

    # Warehouses

    async def create_warehouse(self, code: str, name: str) -> Document:
        check = Checker()
        code = code.strip().upper()
        if not CODE.match(code):
            check.add("code", ErrorCode.INVALID, "Use 1-20 letters, digits, - or _.")
        name_text = check.text("name", name, required=True, max_length=100)
        check.raise_if_any()
        if await self.warehouses.by_code(code) is not None:
            raise InputError.one("code", ErrorCode.DUPLICATE, f"A warehouse {code} exists.")
        return await self.warehouses.insert(new_warehouse(code, name_text or code, utc_now()))

    async def warehouse(self, warehouse_id: ObjectId | None, field: str) -> Document:
        """The warehouse named (default: MAIN, made if missing); it must exist and be active."""
        if warehouse_id is None:
            found = await self.warehouses.by_code(DEFAULT_WAREHOUSE)
            if found is None:
                await self.warehouses.ensure(default_warehouse(utc_now()))
                found = await self.warehouses.by_code(DEFAULT_WAREHOUSE)
        else:
            found = await self.warehouses.get(warehouse_id)
        if found is None:
            raise InputError.one(field, ErrorCode.NOT_FOUND, "No warehouse has this ID.")
        if not found.get("active", True):
            raise InputError.one(field, ErrorCode.INVALID, "The warehouse is inactive.")
        return found

    # Moves a person makes

    async def receive(
        self,
        product_id: ObjectId,
        warehouse_id: ObjectId | None,
        quantity: int,
        unit_cost: tuple[Decimal, str],
        received_at: datetime | None,
        reference: str | None,
        actor: str,
    ) -> Document:
        check = Checker()
        product = await self._tracked(product_id, check)
        warehouse = await self._warehouse_or_error(warehouse_id, "warehouseId", check)
        _check_units(check, "quantity", quantity)
        reference = check.text("reference", reference, max_length=200)
        now = utc_now()
        at = received_at or now
        if at > now + CLOCK_SKEW:
            check.add("receivedAt", ErrorCode.OUT_OF_RANGE, "receivedAt cannot be in the future.")
        cost = _unit_cost(check, unit_cost, product)
        check.raise_if_any()
        assert product is not None
        assert warehouse is not None
        assert cost is not None
        level = await self._level(product, warehouse)
        last = level.get("lastMoveAt")
        if last is not None and at < last:
            raise InputError.one(
                "receivedAt",
                ErrorCode.INVALID,
                f"receivedAt is before this product's latest move here ({last.isoformat()}); "
                "moves are recorded in the order they happen.",
            )
        move = new_move(
            StockMoveKind.RECEIPT, level, quantity, at, actor=actor, note=reference,
            unit_cost=cost, extra={"reference": reference},
        )  # fmt: skip
        await self._record(move, "quantity")
        return await self._level(product, warehouse)

    async def adjust(
        self,
        product_id: ObjectId,
        warehouse_id: ObjectId | None,
        delta: int,
        reason: str,
        actor: str,
    ) -> Document:
        """Count a difference found (positive: found, at the current average cost)."""
        check = Checker()
        product = await self._tracked(product_id, check)
        warehouse = await self._warehouse_or_error(warehouse_id, "warehouseId", check)
        if delta == 0 or abs(delta) > MAX_UNITS:
            check.add(
                "quantityDelta", ErrorCode.OUT_OF_RANGE, f"Give 1 to {MAX_UNITS:,} units, + or -."
            )
        reason_text = check.text("reason", reason, required=True, max_length=500)
        check.raise_if_any()
        assert product is not None
        assert warehouse is not None
        level = await self._level(product, warehouse)
        if delta < 0 and level["available"] < -delta:
            raise _insufficient("quantityDelta", level["available"])
        unit = level["value"] // level["onHand"] if level["onHand"] > 0 else 0
        move = new_move(
            StockMoveKind.ADJUSTMENT, level, delta, utc_now(), actor=actor, note=reason_text,
            unit_cost=unit if delta > 0 else None, extra=costing(product),
        )  # fmt: skip
        await self._record(move, "quantityDelta")
        return await self._level(product, warehouse)

    async def transfer(
        self,
        product_id: ObjectId,
        from_id: ObjectId,
        to_id: ObjectId,
        quantity: int,
        actor: str,
    ) -> list[Document]:
        """Move units between warehouses at the cost they have: out of one, into the other."""
        check = Checker()
        product = await self._tracked(product_id, check)
        source = await self._warehouse_or_error(from_id, "fromWarehouseId", check)
        target = await self._warehouse_or_error(to_id, "toWarehouseId", check)
        _check_units(check, "quantity", quantity)
        if from_id == to_id:
            check.add("toWarehouseId", ErrorCode.INVALID, "Transfer to another warehouse.")
        check.raise_if_any()
        assert product is not None
        assert source is not None
        assert target is not None
        out_level = await self._level(product, source)
        in_level = await self._level(product, target)
        if out_level["available"] < quantity:
            raise _insufficient("quantity", out_level["available"])
        now, transfer = utc_now(), ObjectId()
        out = new_move(
            StockMoveKind.TRANSFER_OUT, out_level, -quantity, now, actor=actor,
            key=f"transfer:{transfer}:out", extra={**costing(product), "transferId": transfer},
        )  # fmt: skip
        way_in = new_move(
            StockMoveKind.TRANSFER_IN, in_level, quantity, now, actor=actor,
            state=MoveState.WAITING, key=f"transfer:{transfer}:in",
            extra={"transferId": transfer},
        )  # fmt: skip
        await self.moves.insert(way_in)  # written first: recovery finds it if we die
        await self._record(out, "quantity")
        await self.finish_transfer(transfer)
        return [await self._level(product, source), await self._level(product, target)]

    async def finish_transfer(self, transfer_id: ObjectId) -> None:
        """The way in of a transfer, once its way out is done (at the costs that left)."""
        out = await self.moves.by_key(f"transfer:{transfer_id}:out")
        way_in = await self.moves.by_key(f"transfer:{transfer_id}:in")
        if way_in is None or way_in["state"] != MoveState.WAITING.value:
            if way_in is not None:
                await self.ledger.finish(way_in)
            return
        if out is None or out["state"] == MoveState.FAILED.value:
            await self.moves.set_state(way_in["_id"], MoveState.FAILED)
            return
        if out["state"] != MoveState.DONE.value:
            return
        await self.moves.set_state(
            way_in["_id"],
            MoveState.PLANNING,
            returned=returned_lots(out),
            returnedCost=-out["totalCost"],
        )
        planned = await self.moves.get(way_in["_id"])
        assert planned is not None
        await self.ledger.finish(planned)

    async def set_reorder_rule(
        self,
        product_id: ObjectId,
        warehouse_id: ObjectId | None,
        rule: dict[str, int | None],
    ) -> Document:
        check = Checker()
        product = await self._tracked(product_id, check)
        warehouse = await self._warehouse_or_error(warehouse_id, "warehouseId", check)
        low, high = rule.get("min"), rule.get("max")
        given_multiple, given_lead = rule.get("multiple"), rule.get("leadTimeDays")
        multiple = 1 if given_multiple is None else given_multiple
        lead = 7 if given_lead is None else given_lead
        for name, value in (("min", low), ("max", high)):
            if value is not None and not 0 <= value <= MAX_UNITS:
                check.add(name, ErrorCode.OUT_OF_RANGE, f"{name} must be 0 to {MAX_UNITS:,}.")
        if low is not None and high is not None and high < low:
            check.add("max", ErrorCode.INVALID, "max must be at least min.")
        if not 1 <= multiple <= MAX_UNITS:
            check.add("multiple", ErrorCode.OUT_OF_RANGE, "multiple must be at least 1.")
        if not 1 <= lead <= 365:
            check.add("leadTimeDays", ErrorCode.OUT_OF_RANGE, "leadTimeDays must be 1 to 365.")
        check.raise_if_any()
        assert product is not None
        assert warehouse is not None
        level = await self._level(product, warehouse)
        stored = {"min": low, "max": high, "multiple": multiple, "leadTimeDays": lead}
        updated = await self.levels.set_rule(level["_id"], stored)
        assert updated is not None
        return updated

    async def recover(self, older_than: timedelta = timedelta(seconds=30)) -> int:
        """Finish the moves a crashed process left half-applied (older than ``older_than``).
        Returns how many it finished."""
        now = utc_now()
        fixed = 0
        for move in await self.moves.unfinished(now - older_than, RECOVERY_BATCH):
            if move["state"] == MoveState.WAITING.value:
                await self.finish_transfer(move["transferId"])
            else:
                await self.ledger.finish(move)
                if move.get("transferId") is not None:
                    await self.finish_transfer(move["transferId"])
            fixed += 1
        return fixed

    # Helpers

    async def _record(self, move: Document, field: str) -> Document:
        return await record(self.ledger, move, field)

    async def _level(self, product: Document, warehouse: Document) -> Document:
        return await self.levels.ensure(new_level(product, warehouse["_id"]))

    async def _tracked(self, product_id: ObjectId, check: Checker) -> Document | None:
        product = await self.products.get(product_id)
        if product is None:
            check.add("productId", ErrorCode.NOT_FOUND, "No product has this ID.")
        elif not product.get("trackInventory"):
            check.add(
                "productId",
                ErrorCode.INVALID,
                "The product's stock is not tracked; set trackInventory first.",
            )
        return product

    async def _warehouse_or_error(
        self, warehouse_id: ObjectId | None, field: str, check: Checker
    ) -> Document | None:
        try:
            return await self.warehouse(warehouse_id, field)
        except InputError as error:
            check.errors.extend(error.errors)
            return None


async def record(ledger: Ledger, move: Document, field: str) -> Document:
    """Apply a move; refused, it is the userError of ``field``."""
    try:
        return await ledger.record(move)
    except MoveRefused as refused:
        raise InputError.one(field, ErrorCode[refused.code], refused.message) from None


def utc_now() -> datetime:
    return datetime.now(UTC)


def costing(product: Document) -> dict[str, Any]:
    return {"method": product.get("costingMethod") or CostingMethod.FIFO.value}


def returned_lots(move: Document) -> list[Document]:
    """The lots a move took, as lots to bring back: the same units at the same costs."""
    return [{"quantity": t["quantity"], "unitCost": t["unitCost"]} for t in move["lots"]]


def _check_units(check: Checker, field: str, quantity: int) -> None:
    if not 1 <= quantity <= MAX_UNITS:
        check.add(field, ErrorCode.OUT_OF_RANGE, f"quantity must be 1 to {MAX_UNITS:,}.")


def _unit_cost(check: Checker, cost: tuple[Decimal, str], product: Document | None) -> int | None:
    amount, currency = cost
    try:
        code = check_currency(currency)
        minor = to_minor(amount, code)
    except MoneyError as error:
        check.add("unitCost", ErrorCode.INVALID, str(error))
        return None
    if minor < 0:
        check.add("unitCost", ErrorCode.OUT_OF_RANGE, "unitCost cannot be negative.")
    if product is not None and code != product["currency"]:
        check.add(
            "unitCost.currency",
            ErrorCode.CURRENCY_MISMATCH,
            f"The product is priced in {product['currency']}; give its cost in that currency.",
        )
    return minor


def _insufficient(field: str, available: int) -> InputError:
    return InputError.one(
        field, ErrorCode.INSUFFICIENT_STOCK, f"Only {available} available; nothing was moved."
    )
