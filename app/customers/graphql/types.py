"""The Customer type: its fields, and the lists and figures other domains keep about it."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from bson import ObjectId

from app.auth.roles import Role
from app.core.db import Document
from app.customers.graphql import loaders
from app.customers.graphql.enums import LifecycleStage
from app.customers.models import ADDRESS_FIELDS, ADDRESS_KEYS, TYPE_NAME
from app.graphql.connections import connection_field
from app.graphql.context import Info
from app.graphql.permissions import MaskFor, mask_email, mask_phone
from app.graphql.relay import Node, encode_id, owned_by_customer, register_node
from app.graphql.types import Money, copied
from app.orders.graphql import loaders as orders
from app.orders.repository import OrderRepository
from app.propensity.graphql.enums import PropensityTarget
from app.propensity.graphql.types import CustomerPropensity, customer_propensity
from app.segmentation.graphql.types import CustomerSegment, customer_segment
from app.tickets.repository import TicketRepository

if TYPE_CHECKING:
    from app.orders.graphql.inputs import OrderFilter, OrderOrderBy
    from app.orders.graphql.types import Order
    from app.tickets.graphql.inputs import TicketFilter, TicketOrderBy
    from app.tickets.graphql.types import Ticket

OrderType = Annotated["Order", strawberry.lazy("app.orders.graphql.types")]
OrderFilterType = Annotated["OrderFilter", strawberry.lazy("app.orders.graphql.inputs")]
OrderOrderByType: Any = Annotated["OrderOrderBy", strawberry.lazy("app.orders.graphql.inputs")]
TicketType = Annotated["Ticket", strawberry.lazy("app.tickets.graphql.types")]
TicketFilterType = Annotated["TicketFilter", strawberry.lazy("app.tickets.graphql.inputs")]
TicketOrderByType: Any = Annotated["TicketOrderBy", strawberry.lazy("app.tickets.graphql.inputs")]


@strawberry.type
class Address:
    line1: str | None
    line2: str | None
    city: str | None
    region: str | None
    postal_code: str | None
    country: str | None = strawberry.field(description="ISO 3166 two-letter code.")

    @classmethod
    def from_document(cls, address: Document) -> Address:
        return cls(**{name: address.get(ADDRESS_KEYS.get(name, name)) for name in ADDRESS_FIELDS})


@strawberry.type
class CustomerStats:
    order_count: int = strawberry.field(
        description="Orders that brought revenue (not cancelled or refunded)."
    )
    total_spent: Money | None = strawberry.field(
        description="Revenue in the customer's main currency (the one most orders used)."
    )
    spend_by_currency: list[Money] = strawberry.field(description="Revenue per currency.")
    last_order_at: datetime | None

    @classmethod
    def from_document(cls, stats: Document | None) -> CustomerStats:
        if stats is None:
            return cls(order_count=0, total_spent=None, spend_by_currency=[], last_order_at=None)
        currencies = sorted(stats["currencies"], key=lambda c: (-c[1], c[0]))
        return cls(
            order_count=sum(c[1] for c in currencies),
            total_spent=Money.of(currencies[0][2], currencies[0][0]),
            spend_by_currency=[Money.of(spent, currency) for currency, _, spent in currencies],
            last_order_at=stats["last"],
        )


@strawberry.type
class Customer(Node):
    id: strawberry.ID
    name: str
    email_address: strawberry.Private[str]
    phone_number: strawberry.Private[str | None]
    company: str | None
    address: Address | None
    tags: list[str]
    lifecycle_stage: LifecycleStage
    created_at: datetime
    updated_at: datetime
    archived_at: datetime | None
    object_id: strawberry.Private[ObjectId]

    @classmethod
    def from_document(cls, doc: Document) -> Customer:
        address = doc.get("address")
        return cls(
            id=encode_id(TYPE_NAME, doc["_id"]),
            object_id=doc["_id"],
            email_address=doc["email"],
            phone_number=doc.get("phone"),
            address=Address.from_document(address) if address else None,
            tags=doc.get("tags", []),
            lifecycle_stage=LifecycleStage(doc["lifecycleStage"]),
            **copied(doc, "name", "created_at", "updated_at", optional=("company", "archived_at")),
        )

    @strawberry.field(
        description="Stored lower-case; masked (`j***@example.com`) for analysts.",
        extensions=[MaskFor(frozenset({Role.ANALYST}), mask_email)],
    )
    def email(self) -> str:
        return self.email_address

    @strawberry.field(
        description="Masked (`+86 *** **** 1234`) for analysts.",
        extensions=[MaskFor(frozenset({Role.ANALYST}), mask_phone)],
    )
    def phone(self) -> str | None:
        return self.phone_number

    orders = connection_field(
        OrderType,
        OrderRepository,
        to_node="Order",
        parent="customerId",
        filter=OrderFilterType,
        order_by=OrderOrderByType,
        description="The customer's orders, newest first by default.",
    )
    tickets = connection_field(
        TicketType,
        TicketRepository,
        to_node="Ticket",
        parent="customerId",
        filter=TicketFilterType,
        order_by=TicketOrderByType,
        description="The customer's tickets, newest first by default.",
    )

    @strawberry.field(description="Where the customer sits in the latest segmentation.")
    async def segment(self, info: Info) -> CustomerSegment | None:
        return await customer_segment(info, self.object_id)

    @strawberry.field(
        description="The customer's score under the target's active propensity model, with "
        "its reasons; null before a model exists or for customers with no orders by its asOf."
    )
    async def propensity(self, info: Info, target: PropensityTarget) -> CustomerPropensity | None:
        return await customer_propensity(info, self.object_id, target)

    @strawberry.field(description="Order count and spend, from revenue orders.")
    async def stats(self, info: Info) -> CustomerStats:
        return CustomerStats.from_document(await orders.stats_of_customer(info, self.object_id))


register_node(
    TYPE_NAME, Customer.from_document, loaders.customer, customer_reads=owned_by_customer("_id")
)
