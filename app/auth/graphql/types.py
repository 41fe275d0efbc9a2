"""The caller (Viewer) and API keys."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from bson import ObjectId

from app.auth.repository import ApiKeyRepository
from app.core.db import Document
from app.graphql.context import Info
from app.graphql.permissions import Role
from app.graphql.relay import Node, encode_id, load_node, register_node
from app.graphql.types import copied

if TYPE_CHECKING:
    from app.customers.graphql.types import Customer

TYPE_NAME = "ApiKey"


@strawberry.type(description="The caller of this request.")
class Viewer:
    name: str
    role: Role
    kind: str = strawberry.field(description="`api_key`, `user` or `development`.")
    customer_id: strawberry.Private[ObjectId | None]

    @strawberry.field(description="The customer a CUSTOMER token names; null for staff.")
    async def customer(
        self, info: Info
    ) -> Annotated[Customer, strawberry.lazy("app.customers.graphql.types")] | None:
        return await load_node(info, "Customer", self.customer_id)  # type: ignore[no-any-return]


@strawberry.type(description="An API key; the key itself is shown only once, at creation.")
class ApiKey(Node):
    id: strawberry.ID
    name: str
    prefix: str = strawberry.field(description="The key's public start, e.g. `crm_1a2b3c4d`.")
    role: Role
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None

    @classmethod
    def from_document(cls, doc: Document) -> ApiKey:
        return cls(
            id=encode_id(TYPE_NAME, doc["_id"]),
            role=Role(doc["role"]),
            **copied(doc, "name", "prefix", "created_at", optional=("revoked_at", "last_used_at")),
        )


async def _load(info: Info, object_id: ObjectId) -> Document | None:
    return await info.context.get(ApiKeyRepository).get(object_id)


register_node(TYPE_NAME, ApiKey.from_document, _load)
