"""Sales forecasts (runs) and their series."""

from __future__ import annotations

from collections.abc import Sequence

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, IndexModel

from app.core.batches import chunks
from app.core.db import Document
from app.forecasting.models import series_id
from app.jobs.runs import RunPartRepository, RunRepository


class SalesForecastRepository(RunRepository):
    collection_name = "sales_forecasts"
    indexes = (
        IndexModel(
            [("status", ASCENDING), ("createdAt", DESCENDING), ("_id", DESCENDING)],
            name="status_createdAt",
        ),
        IndexModel([("createdAt", DESCENDING), ("_id", DESCENDING)], name="createdAt_id"),
        # latestSalesForecast(level, interval)
        IndexModel(
            [
                ("status", ASCENDING),
                ("level", ASCENDING),
                ("interval", ASCENDING),
                ("createdAt", DESCENDING),
                ("_id", DESCENDING),
            ],
            name="status_level_interval_createdAt",
        ),
        # The forecast a stock level's reorder suggestion uses.
        IndexModel(
            [
                ("status", ASCENDING),
                ("level", ASCENDING),
                ("warehouseId", ASCENDING),
                ("createdAt", DESCENDING),
                ("_id", DESCENDING),
            ],
            name="status_level_warehouse_createdAt",
        ),
    )


class ForecastSeriesRepository(RunPartRepository):
    """One document per (forecast, series), read only once the forecast is COMPLETE."""

    collection_name = "forecast_series"
    run_field = "forecastId"
    list_order = (("rank", 1),)
    indexes = (
        IndexModel(
            [("forecastId", ASCENDING), ("rank", ASCENDING), ("_id", ASCENDING)],
            name="forecast_rank",
        ),
        IndexModel([("forecastId", ASCENDING), ("productId", ASCENDING)], name="forecast_product"),
    )

    def part_id(self, run_id: ObjectId, row: Document) -> str:
        return series_id(run_id, row["key"])

    async def of_products(
        self, forecast_id: ObjectId, product_ids: Sequence[ObjectId]
    ) -> dict[ObjectId, Document]:
        """The forecast's series of these products: periods and forecasts, no history."""
        found: dict[ObjectId, Document] = {}
        for part in chunks(product_ids):
            cursor = self.collection.find(
                {"forecastId": forecast_id, "productId": {"$in": list(part)}},
                {"history": 0},
            )
            found.update({doc["productId"]: doc async for doc in cursor})
        return found
