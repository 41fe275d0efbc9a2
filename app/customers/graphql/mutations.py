"""``createCustomer``, ``updateCustomer``, ``archiveCustomer`` and ``restoreCustomer``."""

from __future__ import annotations

import strawberry

from app.customers.graphql.inputs import CreateCustomerInput, UpdateCustomerInput, customer_values
from app.customers.graphql.types import Customer
from app.customers.models import TYPE_NAME
from app.customers.repository import CustomerRepository
from app.customers.service import CustomerService
from app.graphql.context import Info
from app.graphql.mutations import Mutations
from app.graphql.payloads import payload
from app.graphql.permissions import CRM_WRITERS, allow

CUSTOMERS = Mutations(
    "customer", Customer.from_document, TYPE_NAME, CustomerRepository, CustomerService
)


@payload("customer", Customer)
class ArchiveCustomerPayload: ...


@payload("customer", Customer)
class RestoreCustomerPayload: ...


@strawberry.type
class CustomerMutation:
    create_customer, update_customer = CUSTOMERS.create_and_update(
        Customer, (CreateCustomerInput, UpdateCustomerInput), customer_values, roles=CRM_WRITERS
    )

    @strawberry.mutation(
        description="Hide the customer from lists; nothing is deleted.",
        extensions=[allow(CRM_WRITERS)],
    )
    async def archive_customer(self, info: Info, id: strawberry.ID) -> ArchiveCustomerPayload:
        return await CUSTOMERS.change(info, ArchiveCustomerPayload, id, CustomerService.archive)

    @strawberry.mutation(extensions=[allow(CRM_WRITERS)])
    async def restore_customer(self, info: Info, id: strawberry.ID) -> RestoreCustomerPayload:
        return await CUSTOMERS.change(info, RestoreCustomerPayload, id, CustomerService.restore)
