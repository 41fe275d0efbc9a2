"""createApiKey's input."""

from __future__ import annotations

import strawberry

from app.graphql.permissions import Role


@strawberry.input
class CreateApiKeyInput:
    name: str
    role: Role
