"""What stock is worth (now or at a past time), and what to reorder."""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from bson import ObjectId

from app.core.cpu import run_cpu
from app.core.db import Document, MongoDatabase
from app.forecasting import lead_time
from app.forecasting.lead_time import LeadTimeDemand
from app.inventory.repository import StockLevelRepository, StockMoveRepository
from app.inventory.service import utc_now

DEMAND_DAYS = 90
SERVICE_LEVEL_Z = 1.645  # a 95% service level, one-sided
DEFAULT_LEAD_DAYS = 7


@dataclass(frozen=True)
class ValuationRow:
    product_id: ObjectId
    warehouse_id: ObjectId
    quantity: int
    value: int
    currency: str


@dataclass(frozen=True)
class Suggestion:
    level: Document
    reorder_point: int
    quantity: int
    reason: str


async def valuation(
    db: MongoDatabase, warehouse_id: ObjectId | None, as_of: datetime | None
) -> list[ValuationRow]:
    """Quantity and cost per product and warehouse: the levels now, or the sum of the moves
    up to ``as_of`` (moves are never re-costed, so a past valuation stays what it was)."""
    if as_of is None:
        rows = [
            ValuationRow(
                level["productId"], level["warehouseId"], level["onHand"], level["value"],
                level["currency"],
            )
            for level in await StockLevelRepository(db).all_in(warehouse_id)
        ]  # fmt: skip
    else:
        rows = [
            ValuationRow(
                row["productId"], row["warehouseId"], row["quantity"], row["value"],
                row["currency"],
            )
            for row in await StockMoveRepository(db).totals_until(as_of, warehouse_id)
        ]  # fmt: skip
    return sorted(
        (row for row in rows if row.quantity or row.value),
        key=lambda row: (row.product_id, row.warehouse_id),
    )


def totals(rows: list[ValuationRow]) -> dict[str, int]:
    """The value per currency."""
    by_currency: dict[str, int] = defaultdict(int)
    for row in rows:
        by_currency[row.currency] += row.value
    return dict(sorted(by_currency.items()))


async def reorder_suggestions(db: MongoDatabase, warehouse_id: ObjectId | None) -> list[Suggestion]:
    """Levels at or below their reorder point, and how much to order, most urgent first."""
    now = utc_now()
    sold_days = await StockMoveRepository(db).sold_since(now - timedelta(days=DEMAND_DAYS))
    levels = await StockLevelRepository(db).all_in(warehouse_id)
    forecast = await lead_time.for_levels(db, levels, now, lead_days)
    return await run_cpu(_suggestions, levels, sold_days, forecast)


def _suggestions(
    levels: list[Document], sold_days: list[Document], forecast: dict[object, LeadTimeDemand]
) -> list[Suggestion]:
    """Every level's suggestion, most urgent first (off the loop: thousands of levels)."""
    sold: dict[ObjectId, dict[str, int]] = defaultdict(dict)
    for row in sold_days:
        sold[row["_id"]["level"]][row["_id"]["day"]] = row["units"]
    found = []
    for level in levels:
        suggestion = suggest(level, sold.get(level["_id"], {}), forecast.get(level["_id"]))
        if suggestion is not None:
            found.append(suggestion)
    return sorted(
        found, key=lambda s: (s.level["available"] - s.reorder_point, str(s.level["_id"]))
    )


def lead_days(level: Document) -> int:
    rule = level.get("reorderRule") or {}
    days: int = rule.get("leadTimeDays") or DEFAULT_LEAD_DAYS
    return days


def suggest(
    level: Document, daily_units: dict[str, int], forecast: LeadTimeDemand | None = None
) -> Suggestion | None:
    """The rule's ``min`` as reorder point when set; otherwise, with a sales forecast, its
    demand over the lead time + z × its standard deviation; otherwise demand over the last 90
    days: mean daily units × lead time + z·σ·√(lead time); z for a 95% service level. Order up
    to ``max`` (or two lead times of demand), rounded up to ``multiple``."""
    rule = level.get("reorderRule") or {}
    lead = lead_days(level)
    multiple = rule.get("multiple") or 1
    days = [*daily_units.values(), *([0] * (DEMAND_DAYS - len(daily_units)))]
    mean = statistics.fmean(days)
    spread = statistics.pstdev(days)
    available = level["available"]
    if rule.get("min") is not None:
        point = int(rule["min"])
        why = f"available {available} is at or below the rule's min {point}"
    elif forecast is not None:
        mean = forecast.units / lead
        safety = SERVICE_LEVEL_Z * forecast.sd
        point = math.ceil(forecast.units + safety)
        why = (
            f"available {available} is at or below the reorder point {point}: "
            f"{forecast.units:.1f} units forecast over {lead} days' lead time by "
            f"{forecast.source}, plus safety stock {safety:.1f} from the forecast's error "
            "for a 95% service level"
        )
    elif mean > 0:
        point = math.ceil(mean * lead + SERVICE_LEVEL_Z * spread * math.sqrt(lead))
        why = (
            f"available {available} is at or below the reorder point {point}: {mean:.2f} "
            f"units a day over {DEMAND_DAYS} days × {lead} days' lead time, plus safety stock "
            "for a 95% service level"
        )
    else:
        return None
    if available > point:
        return None
    target = rule.get("max")
    if target is None:
        target = max(point, math.ceil(2 * lead * mean))
        upto = f"two lead times of demand ({target})"
    else:
        upto = f"the rule's max {target}"
    wanted = max(0, target - available)
    quantity = math.ceil(wanted / multiple) * multiple
    if quantity == 0:
        return None
    return Suggestion(level, point, quantity, f"{why}; order up to {upto}.")
