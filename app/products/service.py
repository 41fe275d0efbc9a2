"""Product rules: unique SKUs, prices in minor units of a supported currency."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from bson import ObjectId
from pymongo.errors import DuplicateKeyError

from app.core.db import Document, MongoDatabase
from app.core.errors import ErrorCode, InputError
from app.core.money import MoneyError, check_currency, to_minor
from app.core.validation import Checker
from app.inventory.models import CostingMethod
from app.products.models import new_product
from app.products.repository import ProductRepository

SKU = re.compile(r"^[A-Z0-9][A-Z0-9._\-]{0,63}$")


class ProductService:
    """Validates product input and applies it through the repository."""

    def __init__(self, db: MongoDatabase) -> None:
        self.products = ProductRepository(db)

    def clean(
        self, values: dict[str, Any], *, creating: bool, current: Document | None = None
    ) -> dict[str, Any]:
        check = Checker()
        fields: dict[str, Any] = {}
        if creating or "sku" in values:
            sku = check.text("sku", values.get("sku"), required=True, max_length=64)
            if sku is not None:
                sku = sku.upper()
                if not SKU.match(sku):
                    check.add("sku", ErrorCode.INVALID, "Use letters, digits, '.', '_' or '-'.")
            fields["sku"] = sku
        if creating or "name" in values:
            fields["name"] = check.text("name", values.get("name"), required=True)
        if "description" in values:
            fields["description"] = check.text(
                "description", values["description"], max_length=5000
            )
        if creating or "currency" in values:
            try:
                fields["currency"] = check_currency(values.get("currency") or "")
            except MoneyError as error:
                check.add("currency", ErrorCode.INVALID, str(error))
        if creating or "price" in values or "currency" in values:
            self._price(check, values, fields, current)
        if creating or "active" in values:
            active = values.get("active")
            fields["active"] = True if active is None else bool(active)
        if creating or "track_inventory" in values:
            fields["trackInventory"] = bool(values.get("track_inventory"))
        if creating or "costing_method" in values:
            method = values.get("costing_method") or CostingMethod.FIFO
            fields["costingMethod"] = method.value
        moved = (
            current is not None
            and fields.get("currency", current["currency"]) != current["currency"]
        )
        if moved and current is not None and current.get("trackInventory"):
            check.add(
                "currency",
                ErrorCode.INVALID,
                f"The product's stock is costed in {current['currency']}; it cannot change.",
            )
        check.raise_if_any()
        return fields

    @staticmethod
    def _price(
        check: Checker, values: dict[str, Any], fields: dict[str, Any], current: Document | None
    ) -> None:
        price: Decimal | None = values.get("price")
        currency = fields.get("currency") or (current or {}).get("currency")
        if price is None:
            message = (
                "price is required." if current is None else "Give the price in the new currency."
            )
            check.add("price", ErrorCode.REQUIRED, message)
        elif price < 0:
            check.add("price", ErrorCode.OUT_OF_RANGE, "price cannot be negative.")
        elif currency is not None:
            try:
                fields["price"] = to_minor(price, currency)
            except MoneyError as error:
                check.add("price", ErrorCode.INVALID, str(error))

    async def create(self, values: dict[str, Any]) -> Document:
        fields = self.clean(values, creating=True)
        now = datetime.now(UTC)
        document = new_product(fields, now)
        try:
            return await self.products.insert(document)
        except DuplicateKeyError:
            raise self._duplicate(fields["sku"]) from None

    async def update(self, product_id: ObjectId, values: dict[str, Any]) -> Document:
        current = await self.products.get(product_id)
        if current is None:
            raise InputError.one("id", ErrorCode.NOT_FOUND, "No product has this ID.")
        fields = self.clean(values, creating=False, current=current)
        try:
            updated = await self.products.update(
                product_id, {**fields, "updatedAt": datetime.now(UTC)}
            )
        except DuplicateKeyError:
            raise self._duplicate(fields["sku"]) from None
        if updated is None:
            raise InputError.one("id", ErrorCode.NOT_FOUND, "No product has this ID.")
        return updated

    @staticmethod
    def _duplicate(sku: str) -> InputError:
        return InputError.one("sku", ErrorCode.DUPLICATE, f"A product with SKU {sku} exists.")
