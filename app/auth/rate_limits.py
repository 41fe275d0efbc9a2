"""Token buckets in MongoDB, so a limit holds across every API process.

Each caller has a bucket of ``capacity`` cost points that refills continuously over a minute.
Updates are optimistic (compare-and-set on a version), so concurrent requests never both spend
the same tokens.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pymongo import ASCENDING, IndexModel
from pymongo.errors import DuplicateKeyError

from app.core.repository import Repository

ATTEMPTS = 8


@dataclass(frozen=True)
class Decision:
    allowed: bool
    remaining: int
    retry_after: float


class RateLimitRepository(Repository):
    collection_name = "rate_limits"
    indexes = (
        # Idle buckets are full again after a minute; drop them after an hour.
        IndexModel([("updatedAt", ASCENDING)], expireAfterSeconds=3600, name="expire"),
    )

    async def take(self, bucket: str, cost: int, capacity: int, now: datetime) -> Decision:
        """Spend ``cost`` tokens from ``bucket`` if it holds that many."""
        per_second = capacity / 60.0
        for _ in range(ATTEMPTS):
            doc = await self.collection.find_one({"_id": bucket})
            if doc is None:
                tokens = float(capacity)
            else:
                elapsed = max((now - doc["updatedAt"]).total_seconds(), 0.0)
                tokens = min(float(capacity), doc["tokens"] + elapsed * per_second)
            if tokens < cost:
                return Decision(False, int(tokens), (cost - tokens) / per_second)
            left = tokens - cost
            if doc is None:
                try:
                    await self.collection.insert_one(
                        {"_id": bucket, "tokens": left, "updatedAt": now, "version": 1}
                    )
                except DuplicateKeyError:
                    continue  # another process created it first; read again
                return Decision(True, int(left), 0.0)
            result = await self.collection.update_one(
                {"_id": bucket, "version": doc["version"]},
                {"$set": {"tokens": left, "updatedAt": now}, "$inc": {"version": 1}},
            )
            if result.modified_count == 1:
                return Decision(True, int(left), 0.0)
        # Heavy contention on one bucket: ask the caller to come back shortly.
        return Decision(False, 0, 1.0)
