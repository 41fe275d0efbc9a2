"""Token buckets in MongoDB, so a limit holds across every API process.

Each caller has a bucket of ``capacity`` cost points that refills continuously over a minute.
Spending is one atomic update (a pipeline update computing the refill from the server's clock,
``$$NOW``): concurrent requests never spend the same tokens, none is refused while tokens
remain, and every process agrees on the time.

A process does not write the bucket on every request: ``TokenLeases`` takes a caller's tokens a
small share of the capacity at a time and spends them locally, so a busy caller costs one
update per lease instead of one per request.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
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


LEASE_SHARE = 0.01  # a lease holds 1% of a minute's budget: it refills in 0.6 s
LEASES_PER_COST = 4  # requests costing more than a quarter of a lease go to the bucket
MAX_LEASES = 10_000  # callers a process holds leases for; beyond, idle leases are dropped


@dataclass
class _Lease:
    tokens: float = 0.0
    bucket_left: int = 0  # what the bucket held after the lease was taken
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class TokenLeases:
    """One process's leases on its callers' buckets.

    A request is paid from the lease when it holds enough; otherwise one update takes a new
    lease (the leftover counts toward it) or, when the bucket cannot spare a whole lease, only
    what the request lacks. So within a process nothing is refused while the lease and the
    bucket together hold the price. Across processes, each may hold at most one lease of a
    caller's tokens (1% of the capacity, refilled in 0.6 s) that the others cannot spend.
    Expensive requests and small budgets (a lease of under four such requests) skip leasing.
    """

    def __init__(self, share: float = LEASE_SHARE, most: int = MAX_LEASES) -> None:
        self.share = share
        self.most = most
        self._leases: dict[tuple[str, str], _Lease] = {}

    def __len__(self) -> int:
        return len(self._leases)

    def _lease(self, database: str, bucket: str) -> _Lease:
        key = (database, bucket)
        lease = self._leases.get(key)
        if lease is None:
            if len(self._leases) >= self.most:
                # Forget the leases no request is using (their few tokens are forfeited).
                self._leases = {k: v for k, v in self._leases.items() if v.lock.locked()}
            lease = self._leases[key] = _Lease()
        return lease

    def _size(self, cost: int, capacity: int) -> int | None:
        size = int(capacity * self.share)
        return size if cost * LEASES_PER_COST <= size else None

    async def take(
        self, buckets: RateLimitRepository, bucket: str, cost: int, capacity: int
    ) -> Decision:
        size = self._size(cost, capacity)
        if size is None:
            return await buckets.take(bucket, cost, capacity)
        lease = self._lease(buckets.collection.database.name, bucket)
        async with lease.lock:
            if lease.tokens < cost:
                held = int(lease.tokens)
                decision = await buckets.take(bucket, size - held, capacity)
                if decision.allowed:
                    lease.tokens += size - held
                else:
                    decision = await buckets.take(bucket, cost - held, capacity)
                    if not decision.allowed:
                        return decision
                    lease.tokens += cost - held
                lease.bucket_left = decision.remaining
            lease.tokens -= cost
            return Decision(True, lease.bucket_left + int(lease.tokens), 0.0)

    async def charge(
        self, buckets: RateLimitRepository, bucket: str, points: int, capacity: int
    ) -> int:
        """Settle ``points`` (a refund when negative) from the lease where it can, else in the
        bucket; the tokens left as this process knows them."""
        lease = self._leases.get((buckets.collection.database.name, bucket))
        if lease is None or lease.tokens - points > capacity * self.share:
            return await buckets.charge(bucket, points, capacity)
        if lease.tokens >= points:
            lease.tokens -= points
        else:
            lease.bucket_left = await buckets.charge(bucket, points - int(lease.tokens), capacity)
            lease.tokens = 0.0
        return lease.bucket_left + int(lease.tokens)
