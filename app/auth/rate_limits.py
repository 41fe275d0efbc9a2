"""Token buckets in MongoDB, so a limit holds across every API process.

Each caller has a bucket of ``capacity`` cost points that refills continuously over a minute.
Spending is one atomic update per request (a pipeline update computing the refill from the
server's clock, ``$$NOW``): concurrent requests never spend the same tokens, none is refused
while tokens remain, and every process agrees on the time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pymongo import ASCENDING, IndexModel, ReturnDocument
from pymongo.errors import DuplicateKeyError

from app.core.repository import Repository


@dataclass(frozen=True)
class Decision:
    allowed: bool
    remaining: int
    retry_after: float


def _refilled(capacity: int) -> dict[str, Any]:
    """The bucket's tokens refilled by the seconds since the last spend, up to ``capacity``."""
    per_second = capacity / 60.0
    elapsed = {"$divide": [{"$subtract": ["$$NOW", {"$ifNull": ["$updatedAt", "$$NOW"]}]}, 1000]}
    return {
        "$min": [
            float(capacity),
            {
                "$add": [
                    {"$ifNull": ["$tokens", float(capacity)]},
                    {"$multiply": [elapsed, per_second]},
                ]
            },
        ]
    }


def _spend(cost: int, capacity: int) -> list[dict[str, Any]]:
    """The update: refill, then take ``cost`` if there."""
    enough = {"$gte": ["$refilled", cost]}
    return [
        {"$set": {"refilled": _refilled(capacity)}},
        {
            "$set": {
                "allowed": enough,
                "tokens": {"$cond": [enough, {"$subtract": ["$refilled", cost]}, "$refilled"]},
                "updatedAt": "$$NOW",
            }
        },
        {"$unset": "refilled"},
    ]


def _charge(points: int, capacity: int) -> list[dict[str, Any]]:
    """The update: refill, then take ``points`` even into debt (work already done), or give
    them back (a negative charge) up to ``capacity``."""
    return [
        {
            "$set": {
                "tokens": {"$min": [float(capacity), {"$subtract": [_refilled(capacity), points]}]},
                "updatedAt": "$$NOW",
            }
        }
    ]


class RateLimitRepository(Repository):
    collection_name = "rate_limits"
    indexes = (
        # Idle buckets are full again after a minute; drop them after an hour.
        IndexModel([("updatedAt", ASCENDING)], expireAfterSeconds=3600, name="expire"),
    )

    async def take(self, bucket: str, cost: int, capacity: int) -> Decision:
        """Spend ``cost`` tokens from ``bucket`` if it holds that many."""
        for _ in range(2):  # two first requests may race to create the bucket; one retries
            try:
                state = await self.collection.find_one_and_update(
                    {"_id": bucket},
                    _spend(cost, capacity),
                    upsert=True,
                    return_document=ReturnDocument.AFTER,
                )
            except DuplicateKeyError:
                continue
            assert state is not None  # upserted
            tokens = float(state["tokens"])
            if state["allowed"]:
                return Decision(True, int(tokens), 0.0)
            return Decision(False, int(tokens), (cost - tokens) / (capacity / 60.0))
        raise RuntimeError(f"rate limit bucket {bucket} could not be created")

    async def charge(self, bucket: str, points: int, capacity: int) -> int:
        """Settle work an operation did beyond its price (or less: ``points`` < 0); the tokens
        left, below zero when the caller is in debt until the bucket refills."""
        state = await self.collection.find_one_and_update(
            {"_id": bucket}, _charge(points, capacity), return_document=ReturnDocument.AFTER
        )
        # The bucket is there (the operation took its price from it) unless it expired.
        return int(state["tokens"]) if state is not None else capacity
