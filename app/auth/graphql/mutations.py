"""``createApiKey`` and ``revokeApiKey``."""

from __future__ import annotations

import strawberry

from app.auth.graphql.inputs import CreateApiKeyInput
from app.auth.graphql.types import TYPE_NAME, ApiKey
from app.auth.repository import ApiKeyRepository
from app.auth.service import ApiKeyService
from app.core.db import Document
from app.graphql.context import Info
from app.graphql.mutations import Mutations
from app.graphql.payloads import payload
from app.graphql.permissions import ADMINS, allow
from app.graphql.types import UserError

API_KEYS = Mutations("api_key", ApiKey.from_document, TYPE_NAME, ApiKeyRepository, ApiKeyService)


@strawberry.type
class CreateApiKeyPayload:
    api_key: ApiKey | None
    key: str | None = strawberry.field(
        description="The key to send as `Authorization: Bearer <key>`. Shown only here, once."
    )
    user_errors: list[UserError]


@payload("api_key", ApiKey)
class RevokeApiKeyPayload: ...


@strawberry.type
class AuthMutation:
    @strawberry.mutation(extensions=[allow(ADMINS)])
    async def create_api_key(self, info: Info, input: CreateApiKeyInput) -> CreateApiKeyPayload:
        created: dict[str, str] = {}

        async def create(service: ApiKeyService) -> Document:
            document, created["key"] = await service.create(input.name, input.role)
            return document

        payload = await API_KEYS.create(info, CreateApiKeyPayload, create, key=None)
        payload.key = created.get("key")
        return payload

    @strawberry.mutation(extensions=[allow(ADMINS)])
    async def revoke_api_key(self, info: Info, id: strawberry.ID) -> RevokeApiKeyPayload:
        return await API_KEYS.change(info, RevokeApiKeyPayload, id, ApiKeyService.revoke_by_id)
