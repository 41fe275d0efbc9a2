"""``createProduct`` and ``updateProduct``."""

from __future__ import annotations

import strawberry

from app.graphql.context import Info
from app.graphql.mutations import Mutations
from app.graphql.payloads import payload
from app.graphql.permissions import CRM_WRITERS, allow
from app.products.graphql.inputs import CreateProductInput, UpdateProductInput, product_values
from app.products.graphql.types import Product
from app.products.models import TYPE_NAME
from app.products.repository import ProductRepository
from app.products.service import ProductService


@payload("product", Product)
class CreateProductPayload: ...


@payload("product", Product)
class UpdateProductPayload: ...


PRODUCTS = Mutations("product", Product.from_document, TYPE_NAME, ProductRepository, ProductService)


@strawberry.type
class ProductMutation:
    @strawberry.mutation(extensions=[allow(CRM_WRITERS)])
    async def create_product(self, info: Info, input: CreateProductInput) -> CreateProductPayload:
        return await PRODUCTS.create(
            info, CreateProductPayload, lambda service: service.create(product_values(input))
        )

    @strawberry.mutation(extensions=[allow(CRM_WRITERS)])
    async def update_product(
        self, info: Info, id: strawberry.ID, input: UpdateProductInput
    ) -> UpdateProductPayload:
        return await PRODUCTS.change(
            info,
            UpdateProductPayload,
            id,
            lambda service, object_id: service.update(object_id, product_values(input)),
        )
