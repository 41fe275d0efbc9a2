"""Human-readable sequence numbers (``SO-000123``) from the ``counters`` collection."""

from __future__ import annotations

from pymongo import ReturnDocument

from app.core.repository import Repository


class CounterRepository(Repository):
    """One document per sequence; ``$inc`` on ``_id`` is atomic across processes."""

    collection_name = "counters"

    async def next(self, name: str) -> int:
        document = await self.collection.find_one_and_update(
            {"_id": name},
            {"$inc": {"value": 1}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        assert document is not None  # upsert always returns the document
        return int(document["value"])

    async def next_number(self, name: str, prefix: str) -> str:
        return f"{prefix}-{await self.next(name):06d}"

    async def raise_to(self, name: str, value: int) -> None:
        """Make sure the next number is above ``value`` (after a bulk load of numbered rows)."""
        await self.collection.update_one({"_id": name}, {"$max": {"value": value}}, upsert=True)
