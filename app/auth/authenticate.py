"""Turns an ``Authorization`` header (or websocket ``connection_params``) into a principal."""

from __future__ import annotations

import logging

from app.auth.roles import DEVELOPMENT_ADMIN, Principal
from app.auth.service import KEY_PREFIX, ApiKeyService
from app.auth.tokens import InvalidToken, verify_token
from app.core.db import MongoDatabase
from app.core.settings import Settings

log = logging.getLogger(__name__)


class AuthenticationFailed(Exception):
    """Credentials were sent but are not valid."""


async def authenticate(
    authorization: str | None, settings: Settings, db: MongoDatabase
) -> Principal | None:
    """The caller, or None when no credentials were sent (and no development fallback)."""
    if not authorization or not authorization.strip():
        if settings.anonymous_is_admin:
            return DEVELOPMENT_ADMIN
        return None
    scheme, _, credentials = authorization.strip().partition(" ")
    credentials = credentials.strip()
    if scheme.lower() != "bearer" or not credentials:
        raise AuthenticationFailed("Use 'Authorization: Bearer <API key or token>'.")
    if credentials.startswith(KEY_PREFIX):
        principal = await ApiKeyService(db).authenticate(
            credentials, settings.api_key_cache_seconds
        )
        if principal is None:
            raise AuthenticationFailed("The API key is unknown or revoked.")
        return principal
    try:
        return verify_token(credentials, settings)
    except InvalidToken as error:
        log.info("bearer token refused: %s", error)
        raise AuthenticationFailed(f"The bearer token is not valid: {error}") from None
