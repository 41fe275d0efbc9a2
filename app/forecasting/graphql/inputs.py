"""``startSalesForecast``'s input."""

from __future__ import annotations

from datetime import datetime

import strawberry
from bson import ObjectId

from app.core.errors import InputError
from app.forecasting.graphql.enums import ForecastInterval, ForecastLevel
from app.graphql.relay import decode_input_id
from app.inventory.models import WAREHOUSE


@strawberry.input
class StartSalesForecastInput:
    interval: ForecastInterval
    horizon: int = strawberry.field(description="Periods to forecast: 1 to three years' worth.")
    as_of: datetime | None = strawberry.field(
        default=None,
        description="Only orders placed up to this time count; the history is the periods "
        "complete by then, the forecast starts with the period holding it. Default now.",
    )
    product_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="These products (even unsold ones); default every product sold."
    )
    level: ForecastLevel = ForecastLevel.PRODUCT
    warehouse_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only orders reserved from this warehouse; default all orders."
    )
    idempotency_key: str | None = None

    def product_object_ids(self) -> list[ObjectId] | None:
        """The products' IDs; every malformed one is a userError of its own."""
        if self.product_ids is None:
            return None
        errors = []
        ids = []
        for i, global_id in enumerate(self.product_ids):
            try:
                ids.append(decode_input_id(global_id, "Product", f"productIds.{i}"))
            except InputError as error:
                errors += error.errors
        if errors:
            raise InputError(errors)
        return ids

    def warehouse_object_id(self) -> ObjectId | None:
        if self.warehouse_id is None:
            return None
        return decode_input_id(self.warehouse_id, WAREHOUSE, "warehouseId")
