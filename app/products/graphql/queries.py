"""``product`` and ``products``."""

from __future__ import annotations

import strawberry

from app.graphql.connections import connection_field
from app.graphql.context import Info
from app.graphql.permissions import EVERYONE, allow
from app.graphql.relay import decode_id_or_raise, load_node
from app.products.graphql.inputs import ProductFilter, ProductOrderBy
from app.products.graphql.types import Product
from app.products.models import TYPE_NAME
from app.products.repository import ProductRepository


@strawberry.type
class ProductQuery:
    @strawberry.field(extensions=[allow(EVERYONE)])
    async def product(self, info: Info, id: strawberry.ID) -> Product | None:
        node: Product | None = await load_node(info, TYPE_NAME, decode_id_or_raise(id, TYPE_NAME))
        return node

    products = connection_field(
        Product, ProductRepository, filter=ProductFilter, order_by=ProductOrderBy, roles=EVERYONE
    )
