"""Idempotency keys: a request retried with the same key gets the first request's result.

A key belongs to one caller and one operation (``scope``). The first request with it claims
the key (a unique ``_id``, so of two racing requests exactly one runs), runs, and records
which object it wrote; a repeat with the same parameters gets that object back, with other
parameters ``IDEMPOTENCY_KEY_REUSED``, as Stripe's keys behave. A request that fails frees
its key. Keys are kept a day.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, IndexModel
from pymongo.errors import DuplicateKeyError

from app.core.db import Document
from app.core.errors import ErrorCode, InputError
from app.core.repository import Repository

MAX_KEY_LENGTH = 200
KEEP = timedelta(days=1)
WAIT_SECONDS = 5.0  # for a racing request with the same key to finish
ABANDONED = timedelta(minutes=1)  # a claim this old belongs to a request that died
PENDING, DONE = "PENDING", "DONE"


def fingerprint(params: Any) -> str:
    """The same parameters, the same fingerprint (key order does not matter)."""
    canonical = json.dumps(params, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def clean_key(key: str | None) -> str | None:
    if key is None:
        return None
    key = key.strip()
    if not 0 < len(key) <= MAX_KEY_LENGTH:
        raise InputError.one(
            "idempotencyKey", ErrorCode.OUT_OF_RANGE, f"Use 1 to {MAX_KEY_LENGTH} characters."
        )
    return key


class IdempotencyRepository(Repository):
    collection_name = "idempotency_keys"
    indexes = (
        IndexModel([("at", ASCENDING)], expireAfterSeconds=int(KEEP.total_seconds()), name="at"),
    )

    async def claim(self, key_id: str, digest: str, now: datetime) -> Document | None:
        """Take the key; the record of whoever had it first if it was taken."""
        try:
            await self.collection.insert_one(
                {"_id": key_id, "fingerprint": digest, "state": PENDING, "at": now}
            )
        except DuplicateKeyError:
            return await self.get(key_id) or {"state": PENDING, "fingerprint": digest}
        return None

    async def done(self, key_id: str, object_id: ObjectId) -> None:
        await self.collection.update_one(
            {"_id": key_id}, {"$set": {"state": DONE, "objectId": object_id}}
        )

    async def release(self, key_id: str) -> None:
        await self.collection.delete_one({"_id": key_id, "state": PENDING})

    async def get(self, key_id: str) -> Document | None:  # type: ignore[override]
        return await self.collection.find_one({"_id": key_id})


async def once(
    keys: IdempotencyRepository,
    scope: str,
    key: str | None,
    params: Any,
    action: Callable[[], Awaitable[Document]],
    load: Callable[[ObjectId], Awaitable[Document | None]],
) -> tuple[Document, bool]:
    """Run ``action`` once per key: (the document it wrote, whether this was a replay)."""
    key = clean_key(key)
    if key is None:
        return await action(), False
    key_id = f"{scope}:{key}"
    digest = fingerprint(params)
    deadline = time.monotonic() + WAIT_SECONDS
    while (earlier := await keys.claim(key_id, digest, datetime.now(UTC))) is not None:
        if (
            earlier["state"] == PENDING
            and earlier.get("at", datetime.now(UTC)) < datetime.now(UTC) - ABANDONED
        ):
            await keys.release(key_id)  # its request died before it finished
            continue
        if earlier["fingerprint"] != digest:
            raise InputError.one(
                "idempotencyKey",
                ErrorCode.IDEMPOTENCY_KEY_REUSED,
                "This idempotency key was used with other parameters; use a new key.",
            )
        if earlier["state"] == DONE:
            document = await load(earlier["objectId"])
            if document is not None:
                return document, True
        if time.monotonic() > deadline:
            raise InputError.one(
                "idempotencyKey",
                ErrorCode.DUPLICATE,
                "A request with this idempotency key is still in progress; retry shortly.",
            )
        await asyncio.sleep(0.05)
    try:
        document = await action()
    except BaseException:
        await keys.release(key_id)
        raise
    await keys.done(key_id, document["_id"])
    return document, False
