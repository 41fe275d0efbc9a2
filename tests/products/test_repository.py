"""The products collection: one product per SKU, lookups by SKU, pages in name order."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from bson import ObjectId
from pymongo.errors import DuplicateKeyError

from app.core.db import Database
from app.core.paging import PageRequest, encode_cursor
from app.products.models import new_product
from app.products.repository import ProductRepository

NOW = datetime(2026, 5, 1, tzinfo=UTC)


def item(sku: str, name: str) -> dict[str, object]:
    return new_product({"sku": sku, "name": name, "price": 100, "currency": "USD"}, NOW)


async def test_a_sku_belongs_to_one_product(database: Database) -> None:
    products = ProductRepository(database.db)
    mug = await products.insert(item("MUG", "Mug"))
    with pytest.raises(DuplicateKeyError):
        await products.insert(item("MUG", "Another mug"))
    found = await products.by_skus(["MUG", "NONE"])
    assert list(found) == ["MUG"]
    assert found["MUG"]["_id"] == mug["_id"]
    changed = await products.update(mug["_id"], {"active": False})
    assert changed is not None
    assert changed["active"] is False
    assert await products.update(ObjectId(), {"active": False}) is None


async def test_pages_come_in_name_order_and_meet_exactly(database: Database) -> None:
    products = ProductRepository(database.db)
    names = ["Tea", "Cup", "Pot", "Bowl", "Mug"]
    for index, name in enumerate(names):
        await products.insert(item(f"S{index}", name))
    sort = ProductRepository.list_order
    first = await products.page({}, sort, PageRequest(first=3))
    assert [doc["name"] for doc in first.documents] == ["Bowl", "Cup", "Mug"]
    assert first.has_next
    after = first.documents[-1]
    rest = await products.page(
        {}, sort, PageRequest(first=3, after=encode_cursor(after, first.sort))
    )
    assert [doc["name"] for doc in rest.documents] == ["Pot", "Tea"]
    assert not rest.has_next
