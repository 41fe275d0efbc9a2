"""``createProduct`` and ``updateProduct``."""

from __future__ import annotations

import strawberry

from app.core.db import Document
from app.graphql.context import Info
from app.graphql.mutations import Target, provided, run_mutation
from app.graphql.payloads import payload
from app.graphql.permissions import CRM_WRITERS, allow
from app.graphql.relay import decode_input_id
from app.products.graphql.inputs import PRODUCT_INPUT_FIELDS, CreateProductInput, UpdateProductInput
from app.products.graphql.types import Product
from app.products.models import TYPE_NAME
from app.products.repository import ProductRepository
from app.products.service import ProductService


@payload("product", Product)
class CreateProductPayload: ...


@payload("product", Product)
class UpdateProductPayload: ...


NODE = (Product.from_document, TYPE_NAME)


@strawberry.type
class ProductMutation:
    @strawberry.mutation(extensions=[allow(CRM_WRITERS)])
    async def create_product(self, info: Info, input: CreateProductInput) -> CreateProductPayload:
        service = info.context.get(ProductService)

        async def create() -> Document:
            return await service.create(provided(input, *PRODUCT_INPUT_FIELDS))

        return await run_mutation(info, CreateProductPayload, "product", create, *NODE)

    @strawberry.mutation(extensions=[allow(CRM_WRITERS)])
    async def update_product(
        self, info: Info, id: strawberry.ID, input: UpdateProductInput
    ) -> UpdateProductPayload:
        service = info.context.get(ProductService)

        async def update() -> Document:
            object_id = decode_input_id(id, TYPE_NAME, "id")
            return await service.update(object_id, provided(input, *PRODUCT_INPUT_FIELDS))

        target = Target(ProductRepository, id)
        return await run_mutation(
            info, UpdateProductPayload, "product", update, *NODE, target=target
        )
