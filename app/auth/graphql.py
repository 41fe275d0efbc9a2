"""Who am I (``viewer``), and API key management for admins."""

from __future__ import annotations

from datetime import datetime

import strawberry
from bson import ObjectId

from app.auth.api_keys import ApiKeyRepository, ApiKeyService
from app.auth.roles import Role
from app.core.db import Document
from app.graphql.common import UserError
from app.graphql.context import Info
from app.graphql.mutations import Target, run_mutation
from app.graphql.permissions import ADMINS, EVERYONE, allow
from app.graphql.relay import Node, decode_input_id, encode_id

TYPE_NAME = "ApiKey"


@strawberry.type(description="The caller of this request.")
class Viewer:
    name: str
    role: Role
    kind: str = strawberry.field(description="`api_key`, `user` or `development`.")


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
            name=doc["name"],
            prefix=doc["prefix"],
            role=Role(doc["role"]),
            created_at=doc["createdAt"],
            revoked_at=doc.get("revokedAt"),
            last_used_at=doc.get("lastUsedAt"),
        )


async def load_api_key(info: Info, object_id: ObjectId) -> ApiKey | None:
    doc = await info.context.get(ApiKeyRepository).get(object_id)
    return ApiKey.from_document(doc) if doc else None


@strawberry.input
class CreateApiKeyInput:
    name: str
    role: Role


@strawberry.type
class CreateApiKeyPayload:
    api_key: ApiKey | None
    key: str | None = strawberry.field(
        description="The key to send as `Authorization: Bearer <key>`. Shown only here, once."
    )
    user_errors: list[UserError]


@strawberry.type
class RevokeApiKeyPayload:
    api_key: ApiKey | None
    user_errors: list[UserError]


@strawberry.type
class AuthQuery:
    @strawberry.field(extensions=[allow(EVERYONE)])
    async def viewer(self, info: Info) -> Viewer:
        principal = await info.context.require_principal()
        return Viewer(name=principal.name, role=principal.role, kind=principal.kind)

    @strawberry.field(description="All API keys, newest first.", extensions=[allow(ADMINS)])
    async def api_keys(self, info: Info) -> list[ApiKey]:
        documents = await info.context.get(ApiKeyRepository).listing()
        return [ApiKey.from_document(doc) for doc in documents]


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


NODE = (ApiKey.from_document, TYPE_NAME)
