"""Signed download tokens: ``<expiry unix seconds>.<HMAC-SHA256 of file id and expiry>``.

The key is derived from ``CRM_EXPORT_SECRET``, else from the JWT secret (``CRM_JWT_SECRET``),
so every process of one deployment signs alike; in production a server with neither cannot
sign exports (in development a key derived from the database name is used).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from app.core.settings import Settings


class BadToken(Exception):
    """Forged, malformed (``status`` 403) or expired (``status`` 410)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def signing_key(settings: Settings) -> bytes | None:
    secret = settings.export_secret or settings.jwt_secret
    if secret is not None:
        material = secret.get_secret_value().encode()
    elif settings.env != "production":
        material = f"development:{settings.database}".encode()  # no secret outside production
    else:
        return None
    return hmac.new(material, b"crm-exports", hashlib.sha256).digest()


def _mac(key: bytes, file_id: str, expires: int) -> str:
    return hmac.new(key, f"{file_id}.{expires}".encode(), hashlib.sha256).hexdigest()


def sign(key: bytes, file_id: str, expires: datetime) -> str:
    seconds = int(expires.timestamp())
    return f"{seconds}.{_mac(key, file_id, seconds)}"


def verify(key: bytes | None, file_id: str, token: str, now: datetime) -> None:
    """Raises ``BadToken`` unless ``token`` was signed for ``file_id`` and has not expired."""
    if key is None:
        raise BadToken(403, "Exports are not configured on this server.")
    seconds, _, mac = token.partition(".")
    if not seconds.isdigit() or not hmac.compare_digest(mac, _mac(key, file_id, int(seconds))):
        raise BadToken(403, "This download link is not valid.")
    if int(seconds) <= now.timestamp():
        raise BadToken(410, "This download link has expired; start a new export.")
