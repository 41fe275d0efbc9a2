"""startExport's input: the entity, its typed filter, the format."""

from __future__ import annotations

from enum import Enum

import strawberry

from app.customers.graphql.inputs import CustomerFilter
from app.orders.graphql.inputs import OrderFilter
from app.products.graphql.inputs import ProductFilter
from app.segmentation.graphql.inputs import SegmentFilter
from app.tickets.graphql.inputs import TicketFilter


@strawberry.enum(description="What an export holds.")
class ExportEntity(Enum):
    CUSTOMERS = "CUSTOMERS"
    PRODUCTS = "PRODUCTS"
    ORDERS = strawberry.enum_value("ORDERS", description="One row per order line.")
    TICKETS = "TICKETS"
    SEGMENT_ASSIGNMENTS = strawberry.enum_value(
        "SEGMENT_ASSIGNMENTS",
        description="Each customer's segment and RFM scores in a segmentation run (default: "
        "the latest).",
    )
    TAGGED_FEEDBACK = strawberry.enum_value(
        "TAGGED_FEEDBACK",
        description="Tagged ticket texts and survey comments: language, sentiment, topics.",
    )


@strawberry.enum
class ExportFormat(Enum):
    CSV = "CSV"
    JSONL = "JSONL"


@strawberry.input(description="Give at most the filter of the exported entity.")
class ExportFilter:
    customers: CustomerFilter | None = None
    products: ProductFilter | None = None
    orders: OrderFilter | None = None
    tickets: TicketFilter | None = None
    segment_assignments: SegmentFilter | None = None
    tagged_feedback: TicketFilter | None = strawberry.field(
        default=None, description="Which tickets' texts and survey comments."
    )


@strawberry.input
class StartExportInput:
    entity: ExportEntity
    format: ExportFormat
    filter: ExportFilter | None = None
    idempotency_key: str | None = None
