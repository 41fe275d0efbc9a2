"""API keys: shown once at creation, stored only as a SHA-256 hash, looked up by prefix."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

from bson import ObjectId
from pymongo.errors import DuplicateKeyError

from app.auth.repository import ApiKeyRepository
from app.auth.roles import Principal, Role
from app.core.db import Document, MongoDatabase
from app.core.errors import ErrorCode, InputError
from app.core.validation import Checker

KEY_PREFIX = "crm_"
PREFIX_LENGTH = len(KEY_PREFIX) + 8
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_key(key: str) -> str:
    # Keys carry 190+ bits of randomness, so a plain SHA-256 is not brute-forceable and keeps
    # each request's check cheap (no slow password hash needed).
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> tuple[str, str]:
    """A fresh key and its public prefix: ``crm_<8 chars>_<secret>``."""
    prefix = KEY_PREFIX + secrets.token_hex(4)
    return f"{prefix}_{secrets.token_urlsafe(24)}", prefix


class ApiKeyService:
    """Creates, revokes and checks API keys."""

    def __init__(self, db: MongoDatabase) -> None:
        self.keys = ApiKeyRepository(db)

    async def create(self, name: str, role: Role) -> tuple[Document, str]:
        """The stored key record and the key itself, which is never shown again."""
        check = Checker()
        clean_name = check.text("name", name, required=True, max_length=100)
        check.raise_if_any()
        for _ in range(3):  # a prefix collision is a 1-in-4-billion event; retry anyway
            key, prefix = new_key()
            document = {
                "prefix": prefix,
                "hash": hash_key(key),
                "name": clean_name,
                "role": role.value,
                "createdAt": datetime.now(UTC),
                "revokedAt": None,
                "lastUsedAt": None,
            }
            try:
                return await self.keys.insert(document), key
            except DuplicateKeyError:
                continue
        raise RuntimeError("could not allocate a unique key prefix")

    async def revoke(self, query: dict[str, object], field: str) -> Document:
        revoked = await self.keys.revoke(query, datetime.now(UTC))
        if revoked is not None:
            return revoked
        existing = await self.keys.collection.find_one(query)
        if existing is None:
            raise InputError.one(field, ErrorCode.NOT_FOUND, "No API key matches.")
        raise InputError.one(field, ErrorCode.INVALID_TRANSITION, "The key is already revoked.")

    async def revoke_by_prefix(self, prefix: str) -> Document:
        return await self.revoke({"prefix": prefix.strip()[:PREFIX_LENGTH]}, "prefix")

    async def revoke_by_id(self, key_id: ObjectId) -> Document:
        return await self.revoke({"_id": key_id}, "id")

    async def authenticate(self, key: str) -> Principal | None:
        """The key's principal, or None if the key is unknown, wrong or revoked."""
        if not key.startswith(KEY_PREFIX) or len(key) > 200:
            return None
        record = await self.keys.by_prefix(key[:PREFIX_LENGTH])
        if record is None or record["revokedAt"] is not None:
            return None
        if not hmac.compare_digest(record["hash"], hash_key(key)):
            return None
        now = datetime.now(UTC)
        last_used = record.get("lastUsedAt")
        if last_used is None or now - last_used > LAST_USED_RESOLUTION:
            await self.keys.touch(record["_id"], now)
        return Principal(
            kind="api_key", id=record["prefix"], name=record["name"], role=Role(record["role"])
        )
