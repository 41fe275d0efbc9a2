"""Product types, queries and mutations."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any

import strawberry
from bson import ObjectId

from app.core.db import Document
from app.graphql.common import Money, QueryBuilder, SortDirection, StringFilter, UserError
from app.graphql.context import Info
from app.graphql.mutations import Target, provided, run_mutation
from app.graphql.pagination import (
    Connection,
    load_by_id,
    page_request,
    sort_spec,
    top_level_connection,
)
from app.graphql.permissions import CRM_WRITERS, EVERYONE, allow
from app.graphql.relay import Node, decode_id_or_raise, decode_input_id, encode_id
from app.products.repository import ProductRepository
from app.products.service import ProductService

TYPE_NAME = "Product"


@strawberry.enum(description="Fields products can be sorted by.")
class ProductOrderField(Enum):
    CREATED_AT = "createdAt"
    NAME = "name"
    SKU = "sku"
    PRICE = "price"


@strawberry.input
class ProductOrderBy:
    field: ProductOrderField
    direction: SortDirection = SortDirection.ASC


@strawberry.input(description="Filters on products; all given conditions must hold.")
class ProductFilter:
    active: bool | None = None
    sku: StringFilter | None = None
    name: StringFilter | None = None

    def to_query(self) -> dict[str, Any]:
        query = QueryBuilder()
        if self.active is not None:
            query.add("active", self.active)
        query.string("sku", self.sku, "sku")
        query.string("name", self.name, "name")
        return query.build()


@strawberry.type
class Product(Node):
    id: strawberry.ID
    sku: str
    name: str
    description: str | None
    price: Money
    active: bool
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_document(cls, doc: Document) -> Product:
        return cls(
            id=encode_id(TYPE_NAME, doc["_id"]),
            sku=doc["sku"],
            name=doc["name"],
            description=doc.get("description"),
            price=Money.of(doc["price"], doc["currency"]),
            active=doc["active"],
            created_at=doc["createdAt"],
            updated_at=doc["updatedAt"],
        )


async def load_product(info: Info, object_id: ObjectId) -> Product | None:
    doc = await load_by_id(info.context, ProductRepository, object_id)
    return Product.from_document(doc) if doc else None


@strawberry.input
class CreateProductInput:
    sku: str
    name: str
    price: Decimal
    currency: str
    description: str | None = None
    active: bool | None = True


@strawberry.input(description="Only the fields given are changed.")
class UpdateProductInput:
    sku: str | None = strawberry.UNSET
    name: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    price: Decimal | None = strawberry.UNSET
    currency: str | None = strawberry.UNSET
    active: bool | None = strawberry.UNSET


PRODUCT_INPUT_FIELDS = ("sku", "name", "description", "price", "currency", "active")


@strawberry.type(description="The product after the change, or why nothing changed.")
class ProductPayload:
    product: Product | None
    user_errors: list[UserError]


@strawberry.type
class CreateProductPayload(ProductPayload):
    pass


@strawberry.type
class UpdateProductPayload(ProductPayload):
    pass


@strawberry.type
class ProductQuery:
    @strawberry.field(extensions=[allow(EVERYONE)])
    async def product(self, info: Info, id: strawberry.ID) -> Product | None:
        return await load_product(info, decode_id_or_raise(id, TYPE_NAME))

    @strawberry.field(extensions=[allow(EVERYONE)])
    async def products(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: ProductFilter | None = None,
        order_by: list[ProductOrderBy] | None = None,
    ) -> Connection[Product]:
        request = page_request(first, after, last, before)
        query = (filter or ProductFilter()).to_query()
        sort = sort_spec(order_by, [("name", 1)])
        repository = info.context.get(ProductRepository)
        return await top_level_connection(repository, query, sort, request, Product.from_document)


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


NODE = (Product.from_document, TYPE_NAME)
