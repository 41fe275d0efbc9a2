"""Importers, one per entity: rows become documents by natural key; bad rows are reported and
never stop good ones."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Sequence

from app.core.batches import in_timed_batches
from app.core.counters import CounterRepository
from app.core.db import Document, MongoDatabase
from app.core.errors import ErrorCode, InputError
from app.customers.repository import CustomerRepository
from app.customers.service import CustomerService
from app.imports.parsing import Row, as_text
from app.imports.rows import LineError, Upsert, customer_row, order_rows, product_row, ticket_row
from app.jobs.context import JobContext
from app.orders.repository import OrderRepository
from app.products.repository import ProductRepository
from app.products.service import ProductService
from app.tickets.repository import TicketRepository

MAX_REPORTED = 100
NUMBERED = {"orders": re.compile(r"^SO-(\d{1,9})$"), "tickets": re.compile(r"^TK-(\d{1,9})$")}


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
                result.append(customer_row(service, row))
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
                result.append(product_row(service, row))
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
                result.append(order_rows(key, lines, customers, products))
            except LineError as failure:
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
                result.append(ticket_row(row, customers, orders))
            except InputError as error:
                tally.fail(number, error)
        return result

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
