"""API keys: shown once at creation, stored only as a SHA-256 hash, looked up by prefix."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
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
MAX_RECENT_KEYS = 10_000


def hash_key(key: str) -> str:
    # Keys carry 190+ bits of randomness, so a plain SHA-256 is not brute-forceable and keeps
    # each request's check cheap (no slow password hash needed).
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> tuple[str, str]:
    """A fresh key and its public prefix: ``crm_<8 chars>_<secret>``."""
    prefix = KEY_PREFIX + secrets.token_hex(4)
    return f"{prefix}_{secrets.token_urlsafe(24)}", prefix


class RecentKeys:
    """The keys this process checked in the last few seconds, so a busy client's requests skip
    the database lookup. Keyed by database and the key's hash (the key itself is not kept).
    Revoking a key forgets it here at once; other processes forget it when it expires."""

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str], tuple[float, Principal]] = {}

    def get(self, database: str, digest: str) -> Principal | None:
        entry = self._entries.get((database, digest))
        if entry is None:
            return None
        if entry[0] <= time.monotonic():
            del self._entries[(database, digest)]
            return None
        return entry[1]

    def put(self, database: str, digest: str, principal: Principal, seconds: float) -> None:
        now = time.monotonic()
        if len(self._entries) >= MAX_RECENT_KEYS:
            self._entries = {k: v for k, v in self._entries.items() if v[0] > now}
            if len(self._entries) >= MAX_RECENT_KEYS:
                self._entries.clear()
        self._entries[(database, digest)] = (now + seconds, principal)

    def forget(self, database: str, prefix: str) -> None:
        for key, (_, principal) in list(self._entries.items()):
            if key[0] == database and principal.id == prefix:
                del self._entries[key]


RECENT_KEYS = RecentKeys()


class ApiKeyService:
    """Creates, revokes and checks API keys."""

    def __init__(self, db: MongoDatabase) -> None:
        self.keys = ApiKeyRepository(db)
        self.database = db.name

    async def create(self, name: str, role: Role) -> tuple[Document, str]:
        """The stored key record and the key itself, which is never shown again."""
        check = Checker()
        clean_name = check.text("name", name, required=True, max_length=100)
        if role is Role.CUSTOMER:
            message = "A customer signs in with a token naming them; keys are for staff."
            check.add("role", ErrorCode.INVALID, message)
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
            RECENT_KEYS.forget(self.database, revoked["prefix"])
            return revoked
        existing = await self.keys.collection.find_one(query)
        if existing is None:
            raise InputError.one(field, ErrorCode.NOT_FOUND, "No API key matches.")
        raise InputError.one(field, ErrorCode.INVALID_TRANSITION, "The key is already revoked.")

    async def revoke_by_prefix(self, prefix: str) -> Document:
        return await self.revoke({"prefix": prefix.strip()[:PREFIX_LENGTH]}, "prefix")

    async def revoke_by_id(self, key_id: ObjectId) -> Document:
        return await self.revoke({"_id": key_id}, "id")

    async def authenticate(self, key: str, cache_seconds: float = 0.0) -> Principal | None:
        """The key's principal, or None if the key is unknown, wrong or revoked; a key checked
        less than ``cache_seconds`` ago is not looked up again."""
        if not key.startswith(KEY_PREFIX) or len(key) > 200:
            return None
        digest = hash_key(key)
        known = RECENT_KEYS.get(self.database, digest)
        if known is not None:
            return known
        record = await self.keys.by_prefix(key[:PREFIX_LENGTH])
        if record is None or record["revokedAt"] is not None:
            return None
        if record["role"] == Role.CUSTOMER.value:
            return None  # a key made before customers signed in by token names no customer
        if not hmac.compare_digest(record["hash"], digest):
            return None
        now = datetime.now(UTC)
        last_used = record.get("lastUsedAt")
        if last_used is None or now - last_used > LAST_USED_RESOLUTION:
            await self.keys.touch(record["_id"], now)
        principal = Principal(
            kind="api_key", id=record["prefix"], name=record["name"], role=Role(record["role"])
        )
        if cache_seconds > 0:
            RECENT_KEYS.put(self.database, digest, principal, cache_seconds)
        return principal
