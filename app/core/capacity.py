"""How big the embedded store may comfortably grow, and a watch that says when it has.

The embedded store answers most queries by scanning the collection, so its costs grow with
the largest collection. ``COMFORTABLE_DOCUMENTS`` is where the measured costs
(``scripts/bench/store.py``; the README's table) stop being comfortable; past it ``crm serve``
logs a warning and ``/readyz`` reports it. MongoDB has no such limit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from app.core.db import MongoDatabase

log = logging.getLogger(__name__)

COMFORTABLE_DOCUMENTS = 20_000
CHECK_SECONDS = 300.0


async def oversized(db: MongoDatabase, limit: int = COMFORTABLE_DOCUMENTS) -> dict[str, int]:
    """The collections holding more than ``limit`` documents, with their counts."""
    counts = {}
    for name in sorted(await db.list_collection_names()):
        count = await db[name].estimated_document_count()
        if count > limit:
            counts[name] = count
    return counts


def warning(collection: str, count: int, limit: int = COMFORTABLE_DOCUMENTS) -> str:
    return (
        f"{collection} holds {count:,} documents; the embedded store is comfortable up to "
        f"{limit:,} per collection: move to MongoDB (CRM_MONGODB_URL)"
    )


class CapacityWatch:
    """Checks the embedded store's size at start and every ``CHECK_SECONDS``; logs each
    collection once when it passes the limit."""

    def __init__(self, db: MongoDatabase, limit: int = COMFORTABLE_DOCUMENTS) -> None:
        self.db = db
        self.limit = limit
        self.warnings: list[str] = []
        self._logged: set[str] = set()

    async def check(self) -> None:
        counts = await oversized(self.db, self.limit)
        for name in counts.keys() - self._logged:
            log.warning("%s", warning(name, counts[name], self.limit))
        self._logged = set(counts)
        self.warnings = [warning(name, count, self.limit) for name, count in counts.items()]

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.check()
            except Exception:
                log.exception("checking the embedded store's size failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), CHECK_SECONDS)
