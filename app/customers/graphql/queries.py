"""``customer``, ``customerByEmail`` and ``customers``."""

from __future__ import annotations

import strawberry

from app.customers.graphql.audience import member_source
from app.customers.graphql.inputs import CustomerFilter, CustomerOrderBy
from app.customers.graphql.types import Customer
from app.customers.models import TYPE_NAME
from app.customers.repository import CustomerRepository
from app.graphql.connections import ListArguments, Source, connection_field
from app.graphql.context import Info
from app.graphql.permissions import CONTACT_READERS, EVERYONE, Role, allow, forbidden
from app.graphql.relay import decode_id_or_raise, load_node


def members_source(info: Info, arguments: ListArguments) -> Source | None:
    """With ``filter.segment`` or ``filter.propensity``, the list is those customers, in
    customer-ID order."""
    return member_source(info.context.db, arguments.filter, ordered=bool(arguments.order_by))


async def contact_limits(info: Info, arguments: ListArguments) -> None:
    """Analysts see contact details masked: they may not find customers through them either
    (an email filter, or a search, whose text index holds the email)."""
    principal = await info.context.principal()
    if principal is None or principal.role is not Role.ANALYST:
        return
    if arguments.filter is not None and arguments.filter.email is not None:
        raise forbidden("Analysts cannot filter customers by email.")
    if arguments.search:
        raise forbidden(
            "Analysts cannot search customers (the search covers emails): filter by name."
        )


@strawberry.type
class CustomerQuery:
    @strawberry.field(extensions=[allow(EVERYONE)])
    async def customer(self, info: Info, id: strawberry.ID) -> Customer | None:
        node: Customer | None = await load_node(info, TYPE_NAME, decode_id_or_raise(id, TYPE_NAME))
        return node

    @strawberry.field(extensions=[allow(CONTACT_READERS)])
    async def customer_by_email(self, info: Info, email: str) -> Customer | None:
        doc = await info.context.get(CustomerRepository).by_email(email.strip().lower()[:254])
        return Customer.from_document(doc) if doc else None

    customers = connection_field(
        Customer,
        CustomerRepository,
        filter=CustomerFilter,
        order_by=CustomerOrderBy,
        search=True,
        source=members_source,
        check=contact_limits,
        roles=EVERYONE,
        description="Customers; `search` matches words in name, email and company.",
    )
