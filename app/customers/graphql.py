"""Customer types, queries and mutations."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from bson import ObjectId

from app.auth.roles import Role
from app.core.db import Document
from app.core.paging import PageRequest
from app.customers.models import ADDRESS_FIELDS, ADDRESS_KEYS, LifecycleStage
from app.customers.repository import CustomerRepository
from app.customers.service import CustomerService
from app.graphql.common import (
    DateTimeFilter,
    Money,
    QueryBuilder,
    SortDirection,
    StringFilter,
    TagFilter,
    UserError,
    filter_error,
    with_search,
)
from app.graphql.context import Info
from app.graphql.mutations import Target, provided, run_mutation
from app.graphql.pagination import (
    Connection,
    connection,
    fetch_page,
    load_by_id,
    page_request,
    sort_spec,
    top_level_connection,
)
from app.graphql.permissions import CRM_WRITERS, EVERYONE, MaskFor, allow, mask_email, mask_phone
from app.graphql.relay import Node, decode_id_or_raise, decode_input_id, encode_id

if TYPE_CHECKING:
    from app.orders.graphql import Order, OrderFilter, OrderOrderBy
    from app.segmentation.graphql import CustomerSegment, SegmentFilter
    from app.tickets.graphql import Ticket, TicketFilter, TicketOrderBy

TYPE_NAME = "Customer"
strawberry.enum(LifecycleStage, description="Where a customer stands in the sales funnel.")

OrderType = Annotated["Order", strawberry.lazy("app.orders.graphql")]
OrderFilterType = Annotated["OrderFilter", strawberry.lazy("app.orders.graphql")]
OrderOrderByType = Annotated["OrderOrderBy", strawberry.lazy("app.orders.graphql")]
TicketNode = Annotated["Ticket", strawberry.lazy("app.tickets.graphql")]
TicketFilterType = Annotated["TicketFilter", strawberry.lazy("app.tickets.graphql")]
TicketOrderByType = Annotated["TicketOrderBy", strawberry.lazy("app.tickets.graphql")]
CustomerSegmentType = Annotated["CustomerSegment", strawberry.lazy("app.segmentation.graphql")]
SegmentFilterType = Annotated["SegmentFilter", strawberry.lazy("app.segmentation.graphql")]


@strawberry.enum(description="Fields customers can be sorted by.")
class CustomerOrderField(Enum):
    CREATED_AT = "createdAt"
    UPDATED_AT = "updatedAt"
    NAME = "name"
    EMAIL = "email"


@strawberry.input
class CustomerOrderBy:
    field: CustomerOrderField
    direction: SortDirection = SortDirection.ASC


@strawberry.type
class Address:
    line1: str | None
    line2: str | None
    city: str | None
    region: str | None
    postal_code: str | None
    country: str | None = strawberry.field(description="ISO 3166 two-letter code.")


@strawberry.input
class AddressInput:
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None


@strawberry.input(description="Filters on customers; all given conditions must hold.")
class CustomerFilter:
    lifecycle_stage: list[LifecycleStage] | None = None
    tags: TagFilter | None = None
    name: StringFilter | None = None
    email: StringFilter | None = None
    company: StringFilter | None = None
    created_at: DateTimeFilter | None = None
    include_archived: bool = strawberry.field(
        default=False, description="Archived customers are left out unless this is true."
    )
    segment: SegmentFilterType | None = strawberry.field(
        default=None, description="Customers of given segments or RFM groups of a run."
    )

    def to_query(self) -> dict[str, Any]:
        query = QueryBuilder()
        query.one_of("lifecycleStage", self.lifecycle_stage, "lifecycleStage")
        query.tags("tags", None, self.tags, "tags")
        query.string("name", self.name, "name")
        query.string("email", self.email, "email")
        query.string("company", self.company, "company")
        query.times("createdAt", self.created_at)
        if not self.include_archived:
            query.add("archivedAt", None)
        return query.build()


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
            name=doc["name"],
            email_address=doc["email"],
            phone_number=doc.get("phone"),
            company=doc.get("company"),
            address=Address(
                **{name: address.get(ADDRESS_KEYS.get(name, name)) for name in ADDRESS_FIELDS}
            )
            if address
            else None,
            tags=doc.get("tags", []),
            lifecycle_stage=LifecycleStage(doc["lifecycleStage"]),
            created_at=doc["createdAt"],
            updated_at=doc["updatedAt"],
            archived_at=doc.get("archivedAt"),
        )

    @strawberry.field(
        description="Stored lower-case; masked (`j***@example.com`) for analysts.",
        extensions=[MaskFor(frozenset({Role.ANALYST}), mask_email)],
    )
    async def email(self) -> str:
        return self.email_address

    @strawberry.field(
        description="Masked (`+86 *** **** 1234`) for analysts.",
        extensions=[MaskFor(frozenset({Role.ANALYST}), mask_phone)],
    )
    async def phone(self) -> str | None:
        return self.phone_number

    @strawberry.field(description="The customer's orders, newest first by default.")
    async def orders(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: OrderFilterType | None = None,
        order_by: list[OrderOrderByType] | None = None,
    ) -> Connection[OrderType]:
        from app.orders.graphql import orders_of_customer

        request = page_request(first, after, last, before)
        return await orders_of_customer(info, self.object_id, request, filter, order_by)

    @strawberry.field(description="The customer's tickets, newest first by default.")
    async def tickets(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: TicketFilterType | None = None,
        order_by: list[TicketOrderByType] | None = None,
    ) -> Connection[TicketNode]:
        from app.tickets.graphql import tickets_of_customer

        request = page_request(first, after, last, before)
        return await tickets_of_customer(info, self.object_id, request, filter, order_by)

    @strawberry.field(description="Where the customer sits in the latest segmentation.")
    async def segment(self, info: Info) -> CustomerSegmentType | None:
        from app.segmentation.graphql import customer_segment

        return await customer_segment(info, self.object_id)

    @strawberry.field(description="Order count and spend, from revenue orders.")
    async def stats(self, info: Info) -> CustomerStats:
        from app.orders.graphql import customer_stats

        return await customer_stats(info, self.object_id)


async def load_customer(info: Info, object_id: ObjectId) -> Customer | None:
    doc = await load_by_id(info.context, CustomerRepository, object_id)
    return Customer.from_document(doc) if doc else None


@strawberry.input
class CreateCustomerInput:
    name: str
    email: str
    phone: str | None = None
    company: str | None = None
    address: AddressInput | None = None
    tags: list[str] | None = None
    lifecycle_stage: LifecycleStage | None = None


@strawberry.input(description="Only the fields given are changed; null clears optional ones.")
class UpdateCustomerInput:
    name: str | None = strawberry.UNSET
    email: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    company: str | None = strawberry.UNSET
    address: AddressInput | None = strawberry.UNSET
    tags: list[str] | None = strawberry.UNSET
    lifecycle_stage: LifecycleStage | None = strawberry.UNSET


CUSTOMER_INPUT_FIELDS = ("name", "email", "phone", "company", "address", "tags", "lifecycle_stage")


def _values(input_object: Any) -> dict[str, Any]:
    values = provided(input_object, *CUSTOMER_INPUT_FIELDS)
    if values.get("address") is not None:
        values["address"] = vars(values["address"])
    return values


@strawberry.type(description="The customer after the change, or why nothing changed.")
class CustomerPayload:
    customer: Customer | None
    user_errors: list[UserError]


@strawberry.type
class CreateCustomerPayload(CustomerPayload):
    pass


@strawberry.type
class UpdateCustomerPayload(CustomerPayload):
    pass


@strawberry.type
class ArchiveCustomerPayload(CustomerPayload):
    pass


@strawberry.type
class RestoreCustomerPayload(CustomerPayload):
    pass


@strawberry.type
class CustomerQuery:
    @strawberry.field(extensions=[allow(EVERYONE)])
    async def customer(self, info: Info, id: strawberry.ID) -> Customer | None:
        return await load_customer(info, decode_id_or_raise(id, TYPE_NAME))

    @strawberry.field(extensions=[allow(EVERYONE)])
    async def customer_by_email(self, info: Info, email: str) -> Customer | None:
        doc = await info.context.get(CustomerRepository).by_email(email.strip().lower()[:254])
        return Customer.from_document(doc) if doc else None

    @strawberry.field(
        description="Customers; `search` matches words in name, email and company.",
        extensions=[allow(EVERYONE)],
    )
    async def customers(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: CustomerFilter | None = None,
        order_by: list[CustomerOrderBy] | None = None,
        search: str | None = None,
    ) -> Connection[Customer]:
        request = page_request(first, after, last, before)
        filter = filter or CustomerFilter()
        query = with_search(filter.to_query(), search)
        if filter.segment is not None:
            return await segment_connection(info, filter.segment, query, request, order_by)
        sort = sort_spec(order_by, [("createdAt", -1)])
        repository = info.context.get(CustomerRepository)
        return await top_level_connection(repository, query, sort, request, Customer.from_document)


async def segment_connection(
    info: Info,
    segment: SegmentFilterType,
    query: dict[str, Any],
    request: PageRequest,
    order_by: list[CustomerOrderBy] | None,
) -> Connection[Customer]:
    """A segment's customers, in customer-ID order (they are paged through the segment)."""
    from app.segmentation.graphql import segment_members
    from app.segmentation.service import SegmentMembers

    if order_by:
        raise filter_error(
            "orderBy cannot be combined with filter.segment: a segment's customers are listed "
            "in ID order."
        )
    members = segment_members(segment)
    service = info.context.get(SegmentMembers)
    result = await fetch_page(lambda: service.page(members, query, request))
    return connection(result, Customer.from_document, lambda: service.count(members, query))


@strawberry.type
class CustomerMutation:
    @strawberry.mutation(extensions=[allow(CRM_WRITERS)])
    async def create_customer(
        self, info: Info, input: CreateCustomerInput
    ) -> CreateCustomerPayload:
        service = info.context.get(CustomerService)

        async def create() -> Document:
            return await service.create(_values(input))

        return await run_mutation(info, CreateCustomerPayload, "customer", create, *NODE)

    @strawberry.mutation(extensions=[allow(CRM_WRITERS)])
    async def update_customer(
        self, info: Info, id: strawberry.ID, input: UpdateCustomerInput
    ) -> UpdateCustomerPayload:
        service = info.context.get(CustomerService)

        async def update() -> Document:
            return await service.update(decode_input_id(id, TYPE_NAME, "id"), _values(input))

        target = Target(CustomerRepository, id)
        return await run_mutation(
            info, UpdateCustomerPayload, "customer", update, *NODE, target=target
        )

    @strawberry.mutation(
        description="Hide the customer from lists; nothing is deleted.",
        extensions=[allow(CRM_WRITERS)],
    )
    async def archive_customer(self, info: Info, id: strawberry.ID) -> ArchiveCustomerPayload:
        service = info.context.get(CustomerService)

        async def archive() -> Document:
            return await service.archive(decode_input_id(id, TYPE_NAME, "id"))

        target = Target(CustomerRepository, id)
        return await run_mutation(
            info, ArchiveCustomerPayload, "customer", archive, *NODE, target=target
        )

    @strawberry.mutation(extensions=[allow(CRM_WRITERS)])
    async def restore_customer(self, info: Info, id: strawberry.ID) -> RestoreCustomerPayload:
        service = info.context.get(CustomerService)

        async def restore() -> Document:
            return await service.restore(decode_input_id(id, TYPE_NAME, "id"))

        target = Target(CustomerRepository, id)
        return await run_mutation(
            info, RestoreCustomerPayload, "customer", restore, *NODE, target=target
        )


NODE = (Customer.from_document, TYPE_NAME)
