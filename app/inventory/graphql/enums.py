"""The inventory enums as GraphQL shows them."""

from __future__ import annotations

import strawberry

from app.inventory.models import CostingMethod, FulfilmentStatus, StockMoveKind

strawberry.enum(
    CostingMethod,
    description="How a sale is costed: the oldest units first, the newest first (not allowed "
    "by IFRS, IAS 2), or at the moving average cost.",
)
strawberry.enum(StockMoveKind, description="What moved stock.")
strawberry.enum(
    FulfilmentStatus, description="Where a fulfilment stands; DONE and CANCELLED are final."
)

__all__ = ["CostingMethod", "FulfilmentStatus", "StockMoveKind"]
