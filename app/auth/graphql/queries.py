"""``viewer`` and ``apiKeys``."""

from __future__ import annotations

import strawberry

from app.auth.graphql.types import ApiKey, Viewer
from app.auth.repository import ApiKeyRepository
from app.graphql.context import Info
from app.graphql.permissions import ADMINS, ANYONE, allow, customer_of


@strawberry.type
class AuthQuery:
    @strawberry.field(extensions=[allow(ANYONE)])
    async def viewer(self, info: Info) -> Viewer:
        principal = await info.context.require_principal()
        return Viewer(
            name=principal.name,
            role=principal.role,
            kind=principal.kind,
            customer_id=customer_of(principal),
        )

    @strawberry.field(description="All API keys, newest first.", extensions=[allow(ADMINS)])
    async def api_keys(self, info: Info) -> list[ApiKey]:
        documents = await info.context.get(ApiKeyRepository).listing()
        return [ApiKey.from_document(doc) for doc in documents]
