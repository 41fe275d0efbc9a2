"""``createProduct`` and ``updateProduct``."""

from __future__ import annotations

import strawberry

from app.graphql.mutations import Mutations
from app.graphql.permissions import CRM_WRITERS
from app.products.graphql.inputs import CreateProductInput, UpdateProductInput, product_values
from app.products.graphql.types import Product
from app.products.models import TYPE_NAME
from app.products.repository import ProductRepository
from app.products.service import ProductService

PRODUCTS = Mutations("product", Product.from_document, TYPE_NAME, ProductRepository, ProductService)


@strawberry.type
class ProductMutation:
    create_product, update_product = PRODUCTS.create_and_update(
        Product, (CreateProductInput, UpdateProductInput), product_values, roles=CRM_WRITERS
    )
