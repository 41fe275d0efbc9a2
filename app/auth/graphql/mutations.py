"""``createApiKey`` and ``revokeApiKey``."""

from __future__ import annotations

import strawberry

from app.auth.graphql.inputs import CreateApiKeyInput
from app.auth.graphql.types import TYPE_NAME, ApiKey
from app.auth.repository import ApiKeyRepository
from app.auth.service import ApiKeyService
from app.core.db import Document
from app.graphql.context import Info
from app.graphql.mutations import Target, run_mutation
from app.graphql.payloads import payload
from app.graphql.permissions import ADMINS, allow
from app.graphql.relay import decode_input_id
from app.graphql.types import UserError

NODE = (ApiKey.from_document, TYPE_NAME)


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
        service = info.context.get(ApiKeyService)
        created: dict[str, str] = {}

        async def create() -> Document:
            document, created["key"] = await service.create(input.name, input.role)
            return document

        payload = await run_mutation(info, CreateApiKeyPayload, "api_key", create, *NODE, key=None)
        payload.key = created.get("key")
        return payload

    @strawberry.mutation(extensions=[allow(ADMINS)])
    async def revoke_api_key(self, info: Info, id: strawberry.ID) -> RevokeApiKeyPayload:
        service = info.context.get(ApiKeyService)

        async def revoke() -> Document:
            return await service.revoke_by_id(decode_input_id(id, TYPE_NAME, "id"))

        target = Target(ApiKeyRepository, id)
        return await run_mutation(
            info, RevokeApiKeyPayload, "api_key", revoke, *NODE, target=target
        )
