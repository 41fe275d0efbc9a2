"""importData's input."""

from __future__ import annotations

from enum import Enum

import strawberry
from strawberry.file_uploads import Upload


@strawberry.enum(description="What an import file holds.")
class ImportEntity(Enum):
    CUSTOMERS = "CUSTOMERS"
    PRODUCTS = "PRODUCTS"
    ORDERS = "ORDERS"
    TICKETS = "TICKETS"
    CAMPAIGN_EVENTS = "CAMPAIGN_EVENTS"


@strawberry.enum
class ImportFormat(Enum):
    CSV = "CSV"
    JSONL = "JSONL"


@strawberry.input
class ImportDataInput:
    entity: ImportEntity
    format: ImportFormat
    file: Upload = strawberry.field(description="GraphQL multipart request upload.")
    idempotency_key: str | None = None
