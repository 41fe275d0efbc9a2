"""Which cost lots a move out of stock takes, and at what cost: FIFO, LIFO or moving average.

Pure functions over a level's lots; app.inventory.ledger applies what they decide.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bson import ObjectId

from app.core.db import Document
from app.inventory.models import CostingMethod


@dataclass(frozen=True)
class Take:
    """Units taken from one lot, at a unit cost (minor units)."""

    lot_id: ObjectId
    quantity: int
    unit_cost: int

    def document(self) -> Document:
        return {"lot": self.lot_id, "quantity": self.quantity, "unitCost": self.unit_cost}


@dataclass(frozen=True)
class Consumption:
    takes: list[Take]
    total_cost: int  # exact; under AVERAGE the takes' unit costs are rounded


class NotEnoughStock(Exception):
    def __init__(self, on_hand: int) -> None:
        super().__init__(f"only {on_hand} on hand")
        self.on_hand = on_hand


def average_cost(value: int, on_hand: int, quantity: int) -> int:
    """``quantity`` units at the moving average ``value / on_hand``, rounded half to even;
    taking all units takes all the value."""
    if quantity == on_hand:
        return value
    whole, rest = divmod(value * quantity, on_hand)
    twice = 2 * rest
    return whole + (1 if twice > on_hand or (twice == on_hand and whole % 2) else 0)


def consume(
    lots: Sequence[Document], quantity: int, method: CostingMethod, on_hand: int, value: int
) -> Consumption:
    """Take ``quantity`` units out of ``lots`` (``remaining`` > 0, in arrival order ``seq``).

    FIFO takes the oldest lots first, LIFO the newest. AVERAGE takes units oldest first too
    (so lots still say what is left of each receipt) but costs them at the level's moving
    average, ``value / on_hand``.
    """
    if quantity > on_hand or quantity > sum(lot["remaining"] for lot in lots):
        raise NotEnoughStock(on_hand)
    ordered = sorted(lots, key=lambda lot: lot["seq"], reverse=method is CostingMethod.LIFO)
    takes: list[Take] = []
    left = quantity
    for lot in ordered:
        if left == 0:
            break
        taken = min(left, lot["remaining"])
        if taken:
            takes.append(Take(lot["_id"], taken, lot["unitCost"]))
            left -= taken
    if method is CostingMethod.AVERAGE:
        total = average_cost(value, on_hand, quantity)
        unit = round(total / quantity)
        return Consumption([Take(t.lot_id, t.quantity, unit) for t in takes], total)
    return Consumption(takes, sum(t.quantity * t.unit_cost for t in takes))
