"""Product rules, through the service: SKUs and prices in each currency's minor units, a
currency change that must bring its price, and SKUs that belong to one product."""

from __future__ import annotations

from decimal import Decimal

import pytest
from bson import ObjectId

from app.core.db import Database
from app.core.errors import ErrorCode, InputError
from app.products.service import ProductService
from tests.conftest import error_codes


async def test_prices_are_stored_in_the_currencys_minor_units(database: Database) -> None:
    service = ProductService(database.db)
    scarf = await service.create(
        {"sku": "scarf-1", "name": "Scarf", "price": Decimal("12.50"), "currency": "usd"}
    )
    assert (scarf["sku"], scarf["price"], scarf["currency"]) == ("SCARF-1", 1250, "USD")
    teapot = await service.create(
        {"sku": "TEA", "name": "Teapot", "price": Decimal("1000"), "currency": "JPY"}
    )
    assert teapot["price"] == 1000
    with pytest.raises(InputError) as yen_cents:
        await service.create(
            {"sku": "CUP", "name": "Cup", "price": Decimal("10.5"), "currency": "JPY"}
        )
    assert error_codes(yen_cents) == {"price": ErrorCode.INVALID}


async def test_bad_input_is_refused_field_by_field(database: Database) -> None:
    service = ProductService(database.db)
    with pytest.raises(InputError) as refused:
        await service.create(
            {"sku": "has space", "name": "", "price": Decimal("-1"), "currency": "XYZ"}
        )
    assert error_codes(refused) == {
        "sku": ErrorCode.INVALID,
        "name": ErrorCode.REQUIRED,
        "currency": ErrorCode.INVALID,
        "price": ErrorCode.OUT_OF_RANGE,
    }
    assert await database.db["products"].count_documents({}) == 0


async def test_a_new_currency_needs_its_price_and_skus_are_unique(database: Database) -> None:
    service = ProductService(database.db)
    scarf = await service.create(
        {"sku": "SCARF", "name": "Scarf", "price": Decimal("12.50"), "currency": "USD"}
    )
    with pytest.raises(InputError) as no_price:
        await service.update(scarf["_id"], {"currency": "EUR"})
    assert error_codes(no_price) == {"price": ErrorCode.REQUIRED}
    moved = await service.update(scarf["_id"], {"currency": "EUR", "price": Decimal("11")})
    assert (moved["price"], moved["currency"]) == (1100, "EUR")
    await service.create({"sku": "HAT", "name": "Hat", "price": Decimal("5"), "currency": "USD"})
    with pytest.raises(InputError) as taken:
        await service.update(scarf["_id"], {"sku": "hat"})
    assert error_codes(taken) == {"sku": ErrorCode.DUPLICATE}
    with pytest.raises(InputError) as unknown:
        await service.update(ObjectId(), {"name": "Ghost"})
    assert error_codes(unknown) == {"id": ErrorCode.NOT_FOUND}
