"""The rules of a forecast request: what may be asked, checked before a job is queued."""

from __future__ import annotations

from datetime import datetime, timedelta

from bson import ObjectId

from app.core.batches import MAX_IN_VALUES
from app.core.db import Document, MongoDatabase
from app.core.errors import ErrorCode, InputError
from app.core.validation import Checker
from app.forecasting.models import MAX_HORIZON, ForecastInterval, ForecastLevel
from app.inventory.repository import WarehouseRepository
from app.products.repository import ProductRepository

MAX_PRODUCTS = MAX_IN_VALUES  # one $in the embedded store takes; more: leave productIds out
CLOCK_SKEW = timedelta(minutes=5)


async def forecast_params(
    db: MongoDatabase,
    *,
    interval: ForecastInterval,
    horizon: int,
    as_of: datetime,
    now: datetime,
    level: ForecastLevel,
    product_ids: list[ObjectId] | None,
    warehouse_id: ObjectId | None,
    timezone: str,
) -> Document:
    """The job's parameters, or every problem with the request (nothing is queued then)."""
    check = Checker()
    longest = MAX_HORIZON[interval]
    if not 1 <= horizon <= longest:
        check.add(
            "horizon",
            ErrorCode.OUT_OF_RANGE,
            f"horizon is {horizon}; it must be 1 to {longest} {interval.value.lower()}s "
            "(three years).",
        )
    if as_of > now + CLOCK_SKEW:
        check.add("asOf", ErrorCode.OUT_OF_RANGE, "asOf cannot be in the future.")
    if product_ids is not None:
        product_ids = list(dict.fromkeys(product_ids))
        if not product_ids:
            check.add("productIds", ErrorCode.INVALID, "Give products, or leave productIds out.")
        elif len(product_ids) > MAX_PRODUCTS:
            check.add(
                "productIds",
                ErrorCode.OUT_OF_RANGE,
                f"At most {MAX_PRODUCTS} products; leave productIds out to forecast every one.",
            )
    check.raise_if_any()
    if product_ids:
        await _all_exist(db, product_ids)
    if warehouse_id is not None and await WarehouseRepository(db).get(warehouse_id) is None:
        raise InputError.one("warehouseId", ErrorCode.NOT_FOUND, "No warehouse has this ID.")
    return {
        "interval": interval.value,
        "horizon": horizon,
        "asOf": as_of,
        "level": level.value,
        "productIds": product_ids,
        "warehouseId": warehouse_id,
        "timezone": timezone,
    }


async def _all_exist(db: MongoDatabase, product_ids: list[ObjectId]) -> None:
    found = await ProductRepository(db).find_in("_id", product_ids, {"_id": 1})
    known = {doc["_id"] for doc in found}
    missing = [i for i, product_id in enumerate(product_ids) if product_id not in known]
    if missing:
        raise InputError.one(
            f"productIds.{missing[0]}",
            ErrorCode.NOT_FOUND,
            f"{len(missing)} of the products do not exist (the first is productIds.{missing[0]}).",
        )
