"""Customer rules: what a valid customer is, and how one is created, changed and archived."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from bson import ObjectId
from email_validator import EmailNotValidError, validate_email
from pymongo.errors import DuplicateKeyError

from app.core.db import Document, MongoDatabase
from app.core.errors import ErrorCode, InputError
from app.core.validation import Checker
from app.customers.models import ADDRESS_FIELDS, ADDRESS_KEYS, LifecycleStage, new_customer
from app.customers.repository import CustomerRepository

PHONE = re.compile(r"^\+?[0-9 ().\-]{3,40}$")
COUNTRY = re.compile(r"^[A-Z]{2}$")
MAX_TAGS = 50
MAX_TAG_LENGTH = 50


# Erased customers (tombstones, see app.privacy) are never written again.
NOT_ERASED = {"erased": {"$ne": True}}


def clean_tags(check: Checker, field: str, tags: list[str]) -> list[str]:
    """Trim, drop empties and duplicates (keeping order); bound count and length."""
    if len(tags) > MAX_TAGS:
        check.add(field, ErrorCode.OUT_OF_RANGE, f"At most {MAX_TAGS} tags are allowed.")
        return []
    cleaned: list[str] = []
    for index, tag in enumerate(tags):
        value = check.text(f"{field}.{index}", tag, max_length=MAX_TAG_LENGTH)
        if value and value not in cleaned:
            cleaned.append(value)
    return cleaned


def clean_email(check: Checker, value: str | None) -> str | None:
    email = check.text("email", value, required=True, max_length=254)
    if email is None:
        return None
    try:
        return validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        check.add("email", ErrorCode.INVALID, f"{email!r} is not a valid email address: {error}")
        return None


class CustomerService:
    """Validates customer input and applies it through the repository."""

    def __init__(self, db: MongoDatabase) -> None:
        self.customers = CustomerRepository(db)

    def clean(self, values: dict[str, Any], *, creating: bool) -> dict[str, Any]:
        """Checked document fields for the given input values (only those present)."""
        check = Checker()
        fields: dict[str, Any] = {}
        if creating or "name" in values:
            fields["name"] = check.text("name", values.get("name"), required=True)
        if creating or "email" in values:
            fields["email"] = clean_email(check, values.get("email"))
        if "phone" in values:
            phone = check.text("phone", values["phone"], max_length=40)
            if phone is not None and not PHONE.match(phone):
                check.add("phone", ErrorCode.INVALID, "Use digits, spaces, + ( ) . - only.")
            fields["phone"] = phone
        if "company" in values:
            fields["company"] = check.text("company", values["company"])
        if "address" in values:
            fields["address"] = self._address(check, values["address"])
        if "tags" in values:
            fields["tags"] = clean_tags(check, "tags", values["tags"] or [])
        if creating or "lifecycle_stage" in values:
            stage = values.get("lifecycle_stage") or LifecycleStage.LEAD
            fields["lifecycleStage"] = stage.value
        check.raise_if_any()
        return fields

    @staticmethod
    def _address(check: Checker, address: dict[str, Any] | None) -> dict[str, Any] | None:
        if address is None:
            return None
        nested = Checker("address.")
        cleaned = {
            ADDRESS_KEYS.get(name, name): nested.text(name, address.get(name))
            for name in ADDRESS_FIELDS
        }
        country = cleaned["country"]
        if country is not None:
            cleaned["country"] = country = country.upper()
            if not COUNTRY.match(country):
                nested.add("country", ErrorCode.INVALID, "Use an ISO 3166 two-letter code.")
        check.errors += nested.errors
        return cleaned

    async def create(self, values: dict[str, Any]) -> Document:
        fields = self.clean(values, creating=True)
        document = new_customer(fields, datetime.now(UTC), values.get("created_at"))
        try:
            return await self.customers.insert(document)
        except DuplicateKeyError:
            raise self._duplicate(fields["email"]) from None

    async def update(self, customer_id: ObjectId, values: dict[str, Any]) -> Document:
        fields = self.clean(values, creating=False)
        try:
            updated = await self.customers.update(
                customer_id, {**fields, "updatedAt": datetime.now(UTC)}, guard=NOT_ERASED
            )
        except DuplicateKeyError:
            raise self._duplicate(fields["email"]) from None
        if updated is None:
            raise await self._missing(customer_id)
        return updated

    async def archive(self, customer_id: ObjectId) -> Document:
        return await self._set_archived(customer_id, archived=True)

    async def restore(self, customer_id: ObjectId) -> Document:
        return await self._set_archived(customer_id, archived=False)

    async def _set_archived(self, customer_id: ObjectId, *, archived: bool) -> Document:
        now = datetime.now(UTC)
        updated = await self.customers.update(
            customer_id,
            {"archivedAt": now if archived else None, "updatedAt": now},
            guard={**NOT_ERASED, "archivedAt": None if archived else {"$ne": None}},
        )
        if updated is not None:
            return updated
        found = await self.customers.get(customer_id)
        if found is None or found.get("erased"):
            raise await self._missing(customer_id)
        state = "already archived" if archived else "not archived"
        raise InputError.one("id", ErrorCode.INVALID_TRANSITION, f"The customer is {state}.")

    @staticmethod
    def _duplicate(email: str) -> InputError:
        return InputError.one(
            "email", ErrorCode.DUPLICATE, f"A customer with email {email} already exists."
        )

    async def _missing(self, customer_id: ObjectId) -> InputError:
        """Why a guarded write found nothing: no such customer, or an erased one (a tombstone
        takes no personal data again, and stays archived)."""
        found = await self.customers.get(customer_id)
        if found is not None and found.get("erased"):
            return InputError.one(
                "id", ErrorCode.ALREADY_ERASED, "The customer was erased; their record is closed."
            )
        return self._not_found()

    @staticmethod
    def _not_found() -> InputError:
        return InputError.one("id", ErrorCode.NOT_FOUND, "No customer has this ID.")
