"""What an exported row holds, per entity: the columns ``importData`` reads back."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.core.db import Document
from app.core.money import from_minor
from app.graphql.permissions import mask_email, mask_phone

Row = dict[str, Any]


@dataclass(frozen=True)
class Entity:
    collection: str
    columns: tuple[str, ...]
    row: Callable[[Document, bool], Row]


def _time(value: Any) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if isinstance(value, datetime) else None


def customer_row(doc: Document, masked: bool) -> Row:
    email, phone = doc.get("email"), doc.get("phone")
    return {
        "email": mask_email(email) if masked and email else email,
        "name": doc.get("name"),
        "phone": mask_phone(phone) if masked and phone else phone,
        "company": doc.get("company"),
        "tags": list(doc.get("tags") or []),
        "lifecycleStage": doc.get("lifecycleStage"),
        "createdAt": _time(doc.get("createdAt")),
    }


def product_row(doc: Document, masked: bool) -> Row:
    return {
        "sku": doc.get("sku"),
        "name": doc.get("name"),
        "description": doc.get("description"),
        "price": str(from_minor(doc["price"], doc["currency"])),
        "currency": doc.get("currency"),
        "active": bool(doc.get("active", True)),
    }


ENTITIES: dict[str, Entity] = {
    "CUSTOMERS": Entity("customers", tuple(customer_row({}, False)), customer_row),
    "PRODUCTS": Entity(
        "products", ("sku", "name", "description", "price", "currency", "active"), product_row
    ),
}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "|".join(str(item) for item in value)
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
