"""One file row (or the lines of one order) to one document, checked by the domain's rules and
shaped by its model: ``(natural key, fields the row sets, fields only a new document gets)``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from app.core.db import Document
from app.core.errors import ErrorCode, InputError
from app.core.money import MAX_MINOR_UNITS, MoneyError, to_minor
from app.core.validation import Checker
from app.customers.models import LifecycleStage, new_customer
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
from app.orders.models import OrderStatus, new_order, order_total
from app.orders.service import MAX_ITEMS, MAX_QUANTITY, TOTAL_TOO_LARGE
from app.products.models import new_product
from app.products.service import ProductService
from app.tickets.models import (
    Channel,
    TicketDraft,
    TicketPriority,
    TicketStatus,
    TicketType,
)
from app.tickets.service import MAX_BODY

Upsert = tuple[Any, Document, Document]


class LineError(Exception):
    """One line of an order failed (and with it the order)."""

    def __init__(self, row: int, error: InputError) -> None:
        super().__init__(str(error))
        self.row = row
        self.error = error


def split(key: Any, document: Document, given: Iterable[str], now: datetime) -> Upsert:
    """The row's fields (set on every import) and the document's others (set only when the
    import creates it), from a whole new document."""
    changes = {name: document[name] for name in given} | {"updatedAt": now}
    defaults = {name: value for name, value in document.items() if name not in changes}
    return key, changes, defaults


def customer_row(service: CustomerService, row: Row) -> Upsert:
    values: dict[str, Any] = {"name": as_text(row, "name"), "email": as_text(row, "email")}
    for column in ("phone", "company"):
        if present(row, column):
            values[column] = as_text(row, column)
    if present(row, "tags"):
        tags = row["tags"]
        values["tags"] = tags if isinstance(tags, list) else str(tags).split("|")
    stage = as_enum(row, "lifecycleStage", LifecycleStage)
    created = as_datetime(row, "createdAt")
    if stage is not None:
        values["lifecycle_stage"] = stage
    fields = service.clean(values, creating=True)
    if stage is None:
        fields.pop("lifecycleStage")  # a re-import does not reset the stage
    now = datetime.now(UTC)
    return split(fields["email"], new_customer(fields, now, created), fields, now)


def product_row(service: ProductService, row: Row) -> Upsert:
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
    given = [name for name in fields if name != "active" or "active" in values]
    now = datetime.now(UTC)
    return split(fields["sku"], new_product(fields, now), given, now)


def _order_line(row: Row, products: dict[str, Document]) -> Document:
    sku = (as_text(row, "sku") or "").upper()
    product = products.get(sku)
    if product is None:
        raise InputError.one("sku", ErrorCode.NOT_FOUND, f"No product has SKU {sku!r}.")
    quantity = as_int(row, "quantity")
    if quantity is None or not 1 <= quantity <= MAX_QUANTITY:
        raise InputError.one(
            "quantity", ErrorCode.OUT_OF_RANGE, f"quantity must be between 1 and {MAX_QUANTITY}."
        )
    currency = (as_text(row, "currency") or product["currency"]).upper()
    if currency != product["currency"]:
        raise InputError.one(
            "currency",
            ErrorCode.CURRENCY_MISMATCH,
            f"{sku} is priced in {product['currency']}, not {currency}.",
        )
    price = as_decimal(row, "unitPrice")
    try:
        unit_price = product["price"] if price is None else to_minor(price, currency)
    except MoneyError as error:
        raise InputError.one("unitPrice", ErrorCode.INVALID, str(error)) from None
    if unit_price < 0:
        raise InputError.one("unitPrice", ErrorCode.OUT_OF_RANGE, "unitPrice cannot be negative.")
    return {
        "productId": product["_id"],
        "sku": product["sku"],
        "name": product["name"],
        "quantity": quantity,
        "unitPrice": unit_price,
        "currency": currency,
    }


def order_rows(
    key: str,
    lines: list[tuple[int, Row]],
    customers: dict[str, Any],
    products: dict[str, Document],
) -> Upsert:
    """The lines sharing one order number; ``LineError`` names the first bad line."""
    first_number, first_row = lines[0]
    if not key or len(key) > 40:
        message = "number is required (at most 40 characters)."
        raise LineError(first_number, InputError.one("number", ErrorCode.INVALID, message))
    if len(lines) > MAX_ITEMS:
        message = f"An order takes at most {MAX_ITEMS} lines."
        raise LineError(first_number, InputError.one("number", ErrorCode.OUT_OF_RANGE, message))
    email = (as_text(first_row, "customerEmail") or "").lower()
    customer_id = customers.get(email)
    items = []
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
            items.append(_order_line(row, products))
            if items[-1]["currency"] != items[0]["currency"]:
                raise InputError.one(
                    "currency", ErrorCode.INVALID, f"This order is in {items[0]['currency']}."
                )
        except InputError as error:
            raise LineError(number, error) from None
    try:
        status = as_enum(first_row, "status", OrderStatus) or OrderStatus.DELIVERED
        placed_at = as_datetime(first_row, "placedAt") or datetime.now(UTC)
    except InputError as error:
        raise LineError(first_number, error) from None
    assert customer_id is not None  # every line checked it
    if order_total(items) >= MAX_MINOR_UNITS:
        raise LineError(
            first_number, InputError.one("quantity", ErrorCode.OUT_OF_RANGE, TOTAL_TOO_LARGE)
        )
    currency = items[0]["currency"]
    for item in items:
        del item["currency"]
    now = datetime.now(UTC)
    document = new_order(
        number=key,
        customer_id=customer_id,
        items=items,
        currency=currency,
        placed_at=placed_at,
        history=[{"status": status.value, "at": placed_at, "note": "imported"}],
        now=now,
    )
    # An imported order is replaced whole by a later import of the same number.
    return split(key, document, [name for name in document if name != "createdAt"], now)


def ticket_row(row: Row, customers: dict[str, Any], orders: dict[str, Document]) -> Upsert:
    check = Checker()
    key = (check.text("number", as_text(row, "number"), required=True, max_length=40) or "").upper()
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
            raise InputError.one("orderNumber", ErrorCode.NOT_FOUND, f"No order {order_number}.")
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
    now = datetime.now(UTC)
    created = as_datetime(row, "createdAt") or now
    priority = as_enum(row, "priority", TicketPriority) or TicketPriority.NORMAL
    draft = TicketDraft(
        customer_id, kind, channel, subject or "", body or "", order_id, priority, created
    )
    resolved = status in (TicketStatus.RESOLVED, TicketStatus.CLOSED)
    document = draft.to_document(
        number=key,
        status=status,
        now=now,
        resolved_at=created if resolved else None,
    )
    # What the row says, and tagPending: new or changed text goes to the automatic tagger.
    given = (
        "customerId", "orderId", "type", "channel", "subject", "body", "status", "priority",
        "priorityRank", "createdAt", "resolvedAt", "tagPending",
    )  # fmt: skip
    return split(key, document, given, now)
