"""Importers, one per entity: rows become documents by natural key; bad rows are reported and
never stop good ones."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from app.core.batches import in_timed_batches
from app.core.counters import CounterRepository
from app.core.db import Document, MongoDatabase
from app.core.errors import ErrorCode, InputError
from app.core.money import MoneyError, to_minor
from app.core.validation import Checker
from app.customers.models import LifecycleStage
from app.customers.repository import CustomerRepository
from app.customers.service import CustomerService
from app.imports.parsing import (
    Row,
    as_bool,
    as_datetime,
    as_decimal,
    as_enum,
    as_int,
    as_text,
    present,
)
from app.jobs.context import JobContext
from app.orders.models import OrderStatus
from app.orders.repository import OrderRepository
from app.orders.service import MAX_ITEMS, MAX_QUANTITY
from app.products.repository import ProductRepository
from app.products.service import ProductService
from app.tickets.models import Channel, TicketPriority, TicketStatus, TicketType
from app.tickets.repository import TicketRepository
from app.tickets.service import MAX_BODY, PRIORITY_RANK, UNTAGGED

MAX_REPORTED = 100
NUMBERED = {"orders": re.compile(r"^SO-(\d{1,9})$"), "tickets": re.compile(r"^TK-(\d{1,9})$")}
Upsert = tuple[Any, Document, Document]


class Tally:
    """Counts and the first failures, as the job's result reports them."""

    def __init__(self) -> None:
        self.imported = self.updated = self.failed = 0
        self.failures: list[Document] = []

    def fail(self, row: int, error: InputError) -> None:
        self.failed += 1
        for problem in error.errors[:1]:
            if len(self.failures) < MAX_REPORTED:
                self.failures.append(
                    {
                        "row": row,
                        "field": problem.field,
                        "code": problem.code.value,
                        "message": problem.message,
                    }
                )


def _clean_customer(service: CustomerService, row: Row) -> Upsert:
    values: dict[str, Any] = {"name": as_text(row, "name"), "email": as_text(row, "email")}
    for column in ("phone", "company"):
        if present(row, column):
            values[column] = as_text(row, column)
    if present(row, "tags"):
        tags = row["tags"]
        values["tags"] = tags if isinstance(tags, list) else str(tags).split("|")
    stage = as_enum(row, "lifecycleStage", LifecycleStage)
    created = as_datetime(row, "createdAt") or datetime.now(UTC)
    fields = service.clean(values, creating=True)
    if stage is None:
        fields.pop("lifecycleStage")
    else:
        fields["lifecycleStage"] = stage.value
    defaults: Document = {"createdAt": created, "archivedAt": None, "address": None}
    for name, default in (
        ("phone", None),
        ("company", None),
        ("tags", []),
        ("lifecycleStage", "LEAD"),
    ):
        if name not in fields:
            defaults[name] = default
    return fields["email"], {**fields, "updatedAt": datetime.now(UTC)}, defaults


def _clean_product(service: ProductService, row: Row) -> Upsert:
    values: dict[str, Any] = {
        "sku": as_text(row, "sku"),
        "name": as_text(row, "name"),
        "price": as_decimal(row, "price"),
        "currency": as_text(row, "currency"),
    }
    if present(row, "description"):
        values["description"] = as_text(row, "description")
    if present(row, "active"):
        values["active"] = as_bool(row, "active")
    fields = service.clean(values, creating=True)
    now = datetime.now(UTC)
    defaults: Document = {"createdAt": now}
    if "description" not in fields:
        defaults["description"] = None
    return fields["sku"], {**fields, "updatedAt": now}, defaults


class Importer(ABC):
    """Imports the rows of one entity into its collection."""

    def __init__(self, db: MongoDatabase) -> None:
        self.db = db

    @abstractmethod
    async def run(self, rows: list[tuple[int, Row]], context: JobContext, tally: Tally) -> None:
        """Import ``rows``, counting into ``tally``, with a checkpoint per batch."""


class RowImporter(Importer):
    """One row, one document: batches of rows (sized by time) become batches of writes."""

    async def run(self, rows: list[tuple[int, Row]], context: JobContext, tally: Tally) -> None:
        async def write(batch: Sequence[tuple[int, Row]]) -> None:
            upserts = await self.upserts([r for r in batch if not r[1].get("__invalid__")], tally)
            for number, row in batch:
                if row.get("__invalid__"):
                    tally.fail(
                        number, InputError.one(None, ErrorCode.INVALID, "Not a JSON object.")
                    )
            inserted, updated = await self.write(upserts)
            tally.imported += inserted
            tally.updated += updated

        async def written(done: int) -> None:
            await context.progress(done, len(rows), "importing")

        await in_timed_batches(rows, context.batch_sizer(), write, written, what="importing")

    @abstractmethod
    async def upserts(self, rows: Sequence[tuple[int, Row]], tally: Tally) -> list[Upsert]:
        """The valid rows as upserts; the others are counted as failures."""

    @abstractmethod
    async def write(self, upserts: list[Upsert]) -> tuple[int, int]:
        """Write the upserts; (inserted, updated)."""


class CustomerImporter(RowImporter):
    async def upserts(self, rows: Sequence[tuple[int, Row]], tally: Tally) -> list[Upsert]:
        service = CustomerService(self.db)
        result = []
        for number, row in rows:
            try:
                result.append(_clean_customer(service, row))
            except InputError as error:
                tally.fail(number, error)
        return result

    async def write(self, upserts: list[Upsert]) -> tuple[int, int]:
        return await CustomerRepository(self.db).upsert_by("email", upserts)


class ProductImporter(RowImporter):
    async def upserts(self, rows: Sequence[tuple[int, Row]], tally: Tally) -> list[Upsert]:
        service = ProductService(self.db)
        result = []
        for number, row in rows:
            try:
                result.append(_clean_product(service, row))
            except InputError as error:
                tally.fail(number, error)
        return result

    async def write(self, upserts: list[Upsert]) -> tuple[int, int]:
        return await ProductRepository(self.db).upsert_by("sku", upserts)


class OrderImporter(Importer):
    """Rows sharing ``number`` form one order; one bad line fails that whole order."""

    async def run(self, rows: list[tuple[int, Row]], context: JobContext, tally: Tally) -> None:
        groups: dict[str, list[tuple[int, Row]]] = {}
        for number, row in rows:
            if row.get("__invalid__"):
                tally.fail(number, InputError.one(None, ErrorCode.INVALID, "Not a JSON object."))
                continue
            key = (as_text(row, "number") or "").upper()
            groups.setdefault(key, []).append((number, row))
        orders = list(groups.items())
        lines_before = [0]
        for _, lines in orders:
            lines_before.append(lines_before[-1] + len(lines))

        async def write(batch: Sequence[tuple[str, list[tuple[int, Row]]]]) -> None:
            upserts = await self._orders(batch, tally)
            inserted, updated = await OrderRepository(self.db).upsert_by("number", upserts)
            tally.imported += inserted
            tally.updated += updated

        async def written(done: int) -> None:
            await context.progress(lines_before[done], len(rows), "importing")

        await in_timed_batches(orders, context.batch_sizer(), write, written, what="importing")
        await _raise_counter(self.db, "orders", [key for key, _ in orders])

    async def _orders(
        self, batch: Sequence[tuple[str, list[tuple[int, Row]]]], tally: Tally
    ) -> list[Upsert]:
        emails = {
            (as_text(r, "customerEmail") or "").lower() for _, lines in batch for _, r in lines
        }
        skus = {(as_text(r, "sku") or "").upper() for _, lines in batch for _, r in lines}
        customers = await CustomerRepository(self.db).ids_by_emails(sorted(emails))
        products = await ProductRepository(self.db).by_skus(sorted(skus))
        result = []
        for key, lines in batch:
            try:
                result.append(self._order(key, lines, customers, products))
            except _LineError as failure:
                for number, _ in lines:
                    if number == failure.row:
                        tally.fail(number, failure.error)
                    else:
                        tally.fail(
                            number,
                            InputError.one(
                                "number", ErrorCode.INVALID, f"Another line of order {key} failed."
                            ),
                        )
        return result

    def _order(
        self,
        key: str,
        lines: list[tuple[int, Row]],
        customers: dict[str, Any],
        products: dict[str, Document],
    ) -> Upsert:
        items = []
        currency: str | None = None
        first_row = lines[0][1]
        if not key or len(key) > 40:
            raise _LineError(
                lines[0][0],
                InputError.one(
                    "number", ErrorCode.INVALID, "number is required (at most 40 characters)."
                ),
            )
        if len(lines) > MAX_ITEMS:
            raise _LineError(
                lines[0][0],
                InputError.one(
                    "number", ErrorCode.OUT_OF_RANGE, f"An order takes at most {MAX_ITEMS} lines."
                ),
            )
        email = (as_text(first_row, "customerEmail") or "").lower()
        customer_id = customers.get(email)
        for number, row in lines:
            try:
                if (as_text(row, "customerEmail") or "").lower() != email:
                    raise InputError.one(
                        "customerEmail",
                        ErrorCode.INVALID,
                        "All lines of an order need the same customer.",
                    )
                if customer_id is None:
                    raise InputError.one(
                        "customerEmail", ErrorCode.NOT_FOUND, f"No customer has email {email!r}."
                    )
                sku = (as_text(row, "sku") or "").upper()
                product = products.get(sku)
                if product is None:
                    raise InputError.one("sku", ErrorCode.NOT_FOUND, f"No product has SKU {sku!r}.")
                quantity = as_int(row, "quantity")
                if quantity is None or not 1 <= quantity <= MAX_QUANTITY:
                    raise InputError.one(
                        "quantity",
                        ErrorCode.OUT_OF_RANGE,
                        f"quantity must be between 1 and {MAX_QUANTITY}.",
                    )
                line_currency = (as_text(row, "currency") or product["currency"]).upper()
                currency = currency or line_currency
                if line_currency != currency:
                    raise InputError.one(
                        "currency", ErrorCode.INVALID, f"This order is in {currency}."
                    )
                price = as_decimal(row, "unitPrice")
                try:
                    unit_price = (
                        product["price"] if price is None else to_minor(price, line_currency)
                    )
                except MoneyError as error:
                    raise InputError.one("unitPrice", ErrorCode.INVALID, str(error)) from None
                if unit_price < 0:
                    raise InputError.one(
                        "unitPrice", ErrorCode.OUT_OF_RANGE, "unitPrice cannot be negative."
                    )
                items.append(
                    {
                        "productId": product["_id"],
                        "sku": product["sku"],
                        "name": product["name"],
                        "quantity": quantity,
                        "unitPrice": unit_price,
                    }
                )
            except InputError as error:
                raise _LineError(number, error) from None
        try:
            status = as_enum(first_row, "status", OrderStatus) or OrderStatus.DELIVERED
            placed_at = as_datetime(first_row, "placedAt") or datetime.now(UTC)
        except InputError as error:
            raise _LineError(lines[0][0], error) from None
        now = datetime.now(UTC)
        changes = {
            "customerId": customer_id,
            "items": items,
            "currency": currency,
            "total": sum(i["unitPrice"] * i["quantity"] for i in items),
            "status": status.value,
            "placedAt": placed_at,
            "statusHistory": [{"status": status.value, "at": placed_at, "note": "imported"}],
            "updatedAt": now,
        }
        return key, changes, {"createdAt": now}


class _LineError(Exception):
    def __init__(self, row: int, error: InputError) -> None:
        super().__init__(str(error))
        self.row = row
        self.error = error


class TicketImporter(RowImporter):
    async def run(self, rows: list[tuple[int, Row]], context: JobContext, tally: Tally) -> None:
        await super().run(rows, context, tally)
        numbers = [(as_text(row, "number") or "").upper() for _, row in rows]
        await _raise_counter(self.db, "tickets", numbers)

    async def upserts(self, rows: Sequence[tuple[int, Row]], tally: Tally) -> list[Upsert]:
        emails = sorted({(as_text(r, "customerEmail") or "").lower() for _, r in rows})
        order_numbers = sorted({(as_text(r, "orderNumber") or "").upper() for _, r in rows} - {""})
        customers = await CustomerRepository(self.db).ids_by_emails(emails)
        orders = await OrderRepository(self.db).ids_by_numbers(order_numbers)
        result = []
        for number, row in rows:
            try:
                result.append(self._ticket(row, customers, orders))
            except InputError as error:
                tally.fail(number, error)
        return result

    def _ticket(self, row: Row, customers: dict[str, Any], orders: dict[str, Document]) -> Upsert:
        check = Checker()
        key = (
            check.text("number", as_text(row, "number"), required=True, max_length=40) or ""
        ).upper()
        subject = check.text("subject", as_text(row, "subject"), required=True)
        body = check.text("body", as_text(row, "body"), required=True, max_length=MAX_BODY)
        check.raise_if_any()
        email = (as_text(row, "customerEmail") or "").lower()
        customer_id = customers.get(email)
        if customer_id is None:
            raise InputError.one(
                "customerEmail", ErrorCode.NOT_FOUND, f"No customer has email {email!r}."
            )
        order_id = None
        order_number = (as_text(row, "orderNumber") or "").upper()
        if order_number:
            order = orders.get(order_number)
            if order is None:
                raise InputError.one(
                    "orderNumber", ErrorCode.NOT_FOUND, f"No order {order_number}."
                )
            if order["customerId"] != customer_id:
                raise InputError.one(
                    "orderNumber", ErrorCode.INVALID, "The order belongs to another customer."
                )
            order_id = order["_id"]
        kind = as_enum(row, "type", TicketType)
        channel = as_enum(row, "channel", Channel)
        if kind is None or channel is None:
            raise InputError.one(
                "type" if kind is None else "channel",
                ErrorCode.REQUIRED,
                "type and channel are required.",
            )
        status = as_enum(row, "status", TicketStatus) or TicketStatus.NEW
        priority = as_enum(row, "priority", TicketPriority) or TicketPriority.NORMAL
        created = as_datetime(row, "createdAt") or datetime.now(UTC)
        now = datetime.now(UTC)
        changes = {
            "customerId": customer_id,
            "orderId": order_id,
            "type": kind.value,
            "channel": channel.value,
            "subject": subject,
            "body": body,
            "status": status.value,
            "priority": priority.value,
            "priorityRank": PRIORITY_RANK[priority],
            "createdAt": created,
            "updatedAt": now,
            "resolvedAt": created
            if status in (TicketStatus.RESOLVED, TicketStatus.CLOSED)
            else None,
            "tagPending": True,  # new or changed text: the automatic tagger takes it from here
        }
        untagged = {k: v for k, v in UNTAGGED.items() if k != "tagPending"}
        defaults: Document = {
            "assignee": None,
            "messages": [],
            "firstResponseAt": None,
            **untagged,
        }
        return key, changes, defaults

    async def write(self, upserts: list[Upsert]) -> tuple[int, int]:
        return await TicketRepository(self.db).upsert_by("number", upserts)


async def _raise_counter(db: MongoDatabase, name: str, numbers: list[str]) -> None:
    """Keep generated numbers (SO-000123) clear of imported ones."""
    values = [int(m.group(1)) for n in numbers if (m := NUMBERED[name].match(n))]
    if values:
        await CounterRepository(db).raise_to(name, max(values))


IMPORTERS: dict[str, type[Importer]] = {
    "CUSTOMERS": CustomerImporter,
    "PRODUCTS": ProductImporter,
    "ORDERS": OrderImporter,
    "TICKETS": TicketImporter,
}
