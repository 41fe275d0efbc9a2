"""What an exported row holds, per entity: the columns ``importData`` reads back."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.core.db import Document, MongoDatabase
from app.core.money import from_minor
from app.exports import lookups
from app.exports.lookups import Lookups
from app.graphql.permissions import mask_email, mask_phone

Row = dict[str, Any]
Rows = Callable[[Document, Lookups, bool], list[Row]]


@dataclass(frozen=True)
class Entity:
    """Where an entity's documents are, the columns of its rows, how a document becomes rows
    (an order: one per line) and what they need from other collections. Documents are read
    in ``key`` order (unique within the export's query, and indexed with it)."""

    collection: str
    columns: tuple[str, ...]
    rows: Rows
    lookups: Callable[[MongoDatabase, list[Document]], Awaitable[Lookups]] = lookups.nothing
    key: str = "_id"


def _time(value: Any) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if isinstance(value, datetime) else None


def _email(found: Lookups, doc: Document, masked: bool) -> str | None:
    customer_id = doc.get("customerId")
    email = found.emails.get(customer_id) if customer_id is not None else None
    return mask_email(email) if masked and email else email


def customer_rows(doc: Document, found: Lookups, masked: bool) -> list[Row]:
    email, phone = doc.get("email"), doc.get("phone")
    return [
        {
            "email": mask_email(email) if masked and email else email,
            "name": doc.get("name"),
            "phone": mask_phone(phone) if masked and phone else phone,
            "company": doc.get("company"),
            "tags": list(doc.get("tags") or []),
            "lifecycleStage": doc.get("lifecycleStage"),
            "createdAt": _time(doc.get("createdAt")),
        }
    ]


def product_rows(doc: Document, found: Lookups, masked: bool) -> list[Row]:
    return [
        {
            "sku": doc.get("sku"),
            "name": doc.get("name"),
            "description": doc.get("description"),
            "price": str(from_minor(doc["price"], doc["currency"])),
            "currency": doc.get("currency"),
            "active": bool(doc.get("active", True)),
        }
    ]


def order_rows(doc: Document, found: Lookups, masked: bool) -> list[Row]:
    """One row per line; the order's columns repeat on each (as ``importData`` reads them)."""
    order = {
        "number": doc.get("number"),
        "customerEmail": _email(found, doc, masked),
        "status": doc.get("status"),
        "placedAt": _time(doc.get("placedAt")),
        "currency": doc.get("currency"),
    }
    return [
        {
            **order,
            "sku": item.get("sku"),
            "productName": item.get("name"),
            "quantity": item.get("quantity"),
            "unitPrice": str(from_minor(item["unitPrice"], doc["currency"])),
        }
        for item in doc.get("items") or []
    ]


def ticket_rows(doc: Document, found: Lookups, masked: bool) -> list[Row]:
    return [
        {
            "number": doc.get("number"),
            "customerEmail": _email(found, doc, masked),
            "orderNumber": found.order_numbers.get(doc["orderId"]) if doc.get("orderId") else None,
            "type": doc.get("type"),
            "channel": doc.get("channel"),
            "priority": doc.get("priority"),
            "status": doc.get("status"),
            "subject": doc.get("subject"),
            "body": doc.get("body"),
            "createdAt": _time(doc.get("createdAt")),
            "resolvedAt": _time(doc.get("resolvedAt")),
            "messages": len(doc.get("messages") or []),
        }
    ]


def _feedback(source: str, doc: Document, tagged: Document, text: Any, at: Any) -> Row:
    sentiment = tagged.get("sentiment") or {}
    return {
        "source": source,
        "ticketNumber": doc.get("number"),
        "type": doc.get("type"),
        "channel": doc.get("channel"),
        "at": _time(at),
        "language": tagged.get("language"),
        "sentiment": sentiment.get("label"),
        "sentimentScore": sentiment.get("score"),
        "tags": [tag["name"] for tag in tagged.get("tags") or [] if isinstance(tag, dict)],
        "tagsReviewed": bool(tagged.get("tagsReviewed")),
        "rating": tagged.get("rating"),
        "text": text,
    }


def feedback_rows(doc: Document, found: Lookups, masked: bool) -> list[Row]:
    """A tagged ticket (its subject and body), and each survey answer with a comment."""
    rows = []
    if doc.get("taggedAt") is not None:
        text = "\n\n".join(t for t in (doc.get("subject"), doc.get("body")) if t)
        rows.append(_feedback("TICKET", doc, doc, text, doc.get("createdAt")))
    for answer in doc.get("ratings") or []:
        if answer.get("comment"):
            rows.append(_feedback("SURVEY", doc, answer, answer["comment"], answer.get("at")))
    return rows


def segment_rows(doc: Document, found: Lookups, masked: bool) -> list[Row]:
    rfm = doc.get("rfm") or {}
    return [
        {
            "customerEmail": _email(found, doc, masked),
            "segmentKey": doc.get("key"),
            "segmentLabel": found.segment_labels.get(doc.get("key", "")),
            "rfmScore": rfm.get("score"),
            "rfmGroup": rfm.get("group"),
            "recencyScore": rfm.get("r"),
            "frequencyScore": rfm.get("f"),
            "monetaryScore": rfm.get("m"),
        }
    ]


def _columns(rows: Rows, sample: Document) -> tuple[str, ...]:
    return tuple(rows(sample, Lookups(), False)[0])


_ORDER = {"currency": "USD", "items": [{"unitPrice": 0}]}
_TICKET = {"taggedAt": datetime.min}
ENTITIES: dict[str, Entity] = {
    "CUSTOMERS": Entity("customers", _columns(customer_rows, {}), customer_rows),
    "PRODUCTS": Entity(
        "products", _columns(product_rows, {"price": 0, "currency": "USD"}), product_rows
    ),
    "ORDERS": Entity("orders", _columns(order_rows, _ORDER), order_rows, lookups.customers),
    "TICKETS": Entity(
        "tickets", _columns(ticket_rows, {}), ticket_rows, lookups.customers_and_orders
    ),
    "TAGGED_FEEDBACK": Entity("tickets", _columns(feedback_rows, _TICKET), feedback_rows),
    "SEGMENT_ASSIGNMENTS": Entity(
        "segment_assignments",
        _columns(segment_rows, {}),
        segment_rows,
        lookups.customers_and_segments,
        key="customerId",
    ),
}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "|".join(str(item) for item in value)
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def encode(rows: list[Row], columns: tuple[str, ...], file_format: str, header: bool) -> bytes:
    """A batch of rows as CSV (with the header on the first batch) or JSON Lines (empty
    values left out, as the importer treats a missing key)."""
    if file_format == "JSONL":
        lines = (
            json.dumps({k: v for k, v in row.items() if v not in (None, "")}, ensure_ascii=False)
            for row in rows
        )
        return "".join(f"{line}\n" for line in lines).encode()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if header:
        writer.writerow(columns)
    writer.writerows([_cell(row[column]) for column in columns] for row in rows)
    return out.getvalue().encode()
