"""startExport's input: the entity, its typed filter, the format."""

from __future__ import annotations

from enum import Enum

import strawberry

from app.customers.graphql.inputs import CustomerFilter
from app.products.graphql.inputs import ProductFilter


@strawberry.enum(description="What an export holds.")
class ExportEntity(Enum):
    CUSTOMERS = "CUSTOMERS"
    PRODUCTS = "PRODUCTS"


@strawberry.enum
class ExportFormat(Enum):
    CSV = "CSV"
    JSONL = "JSONL"


@strawberry.input(description="Give at most the filter of the exported entity.")
class ExportFilter:
    customers: CustomerFilter | None = None
    products: ProductFilter | None = None


@strawberry.input
class StartExportInput:
    entity: ExportEntity
    format: ExportFormat
    filter: ExportFilter | None = None
    idempotency_key: str | None = None
