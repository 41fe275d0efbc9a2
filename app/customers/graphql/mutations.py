"""``createCustomer``, ``updateCustomer``, ``archiveCustomer`` and ``restoreCustomer``."""

from __future__ import annotations

import strawberry

from app.core.db import Document
from app.customers.graphql.inputs import CreateCustomerInput, UpdateCustomerInput, customer_values
from app.customers.graphql.types import Customer
from app.customers.models import TYPE_NAME
from app.customers.repository import CustomerRepository
from app.customers.service import CustomerService
from app.graphql.context import Info
from app.graphql.mutations import Target, run_mutation
from app.graphql.payloads import payload
from app.graphql.permissions import CRM_WRITERS, allow
from app.graphql.relay import decode_input_id

NODE = (Customer.from_document, TYPE_NAME)


@payload("customer", Customer)
class CreateCustomerPayload: ...


@payload("customer", Customer)
class UpdateCustomerPayload: ...


@payload("customer", Customer)
class ArchiveCustomerPayload: ...


@payload("customer", Customer)
class RestoreCustomerPayload: ...


@strawberry.type
class CustomerMutation:
    @strawberry.mutation(extensions=[allow(CRM_WRITERS)])
    async def create_customer(
        self, info: Info, input: CreateCustomerInput
    ) -> CreateCustomerPayload:
        service = info.context.get(CustomerService)

        async def create() -> Document:
            return await service.create(customer_values(input))

        return await run_mutation(info, CreateCustomerPayload, "customer", create, *NODE)

    @strawberry.mutation(extensions=[allow(CRM_WRITERS)])
    async def update_customer(
        self, info: Info, id: strawberry.ID, input: UpdateCustomerInput
    ) -> UpdateCustomerPayload:
        service = info.context.get(CustomerService)

        async def update() -> Document:
            return await service.update(
                decode_input_id(id, TYPE_NAME, "id"), customer_values(input)
            )

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
