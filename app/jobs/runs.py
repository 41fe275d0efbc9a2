"""Runs: what an analytics job builds (a segmentation, a forecast) and readers page through.

A run's ``_id`` is its job's, so a retried job rewrites the same run. It is BUILDING while its
attempt writes it (the attempt's token fences stale writers off), COMPLETE once readers may
see it, and PRUNING once nobody may read it again and its parts are being deleted.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Sequence
from typing import ClassVar

from bson import ObjectId
from pymongo import DESCENDING
from pymongo.errors import BulkWriteError, DuplicateKeyError

from app.core.batches import retrying
from app.core.db import Document
from app.core.repository import DUPLICATE_KEY, Repository
from app.jobs.context import JobContext
from app.jobs.models import TERMINAL, JobStatus
from app.jobs.repository import JobRepository

BUILDING, COMPLETE, PRUNING = "BUILDING", "COMPLETE", "PRUNING"
NEWEST_FIRST = [("createdAt", DESCENDING), ("_id", DESCENDING)]


class RunRepository(Repository):
    """A subclass names the collection and declares its indexes: (status, createdAt, _id)
    for the lists below, plus what its own readers need."""

    list_order: ClassVar = (("createdAt", -1),)

    async def start(self, run_id: ObjectId, fields: Document, attempt: str) -> bool:
        """Create (or, on a retried job, reset) the run in BUILDING state, written by
        ``attempt``; False if the run is complete already (a later attempt finished it)."""
        try:
            await self.collection.update_one(
                {"_id": run_id, "status": {"$ne": COMPLETE}},
                {"$set": {**fields, "status": BUILDING, "attempt": attempt}},
                upsert=True,
            )
        except DuplicateKeyError:
            return False  # the run exists, and is COMPLETE
        return True

    async def complete(self, run_id: ObjectId, fields: Document, attempt: str) -> bool:
        """Complete the run; False if ``attempt`` is no longer the one writing it."""
        result = await self.collection.update_one(
            {"_id": run_id, "status": BUILDING, "attempt": attempt},
            {"$set": {**fields, "status": COMPLETE}},
        )
        return result.modified_count == 1

    async def latest(self, **fields: object) -> Document | None:
        """The newest complete run with these field values."""
        return await self.collection.find_one({"status": COMPLETE, **fields}, sort=NEWEST_FIRST)

    async def complete_beyond(self, keep: int, limit: int = 100) -> list[ObjectId]:
        """Complete runs older than the newest ``keep``."""
        cursor = self.collection.find({"status": COMPLETE}, {"_id": 1}, sort=NEWEST_FIRST)
        documents = await cursor.skip(keep).limit(limit).to_list()
        return [doc["_id"] for doc in documents]

    async def unfinished(self, limit: int = 100) -> list[ObjectId]:
        """Runs still building or being pruned (their jobs say whether they are alive)."""
        cursor = self.collection.find(
            {"status": {"$in": [BUILDING, PRUNING]}},
            {"_id": 1},
            sort=[("status", 1), *NEWEST_FIRST],
        )
        return [doc["_id"] for doc in await cursor.limit(limit).to_list()]

    async def mark_pruning(self, run_ids: Sequence[ObjectId]) -> None:
        """Readers see only COMPLETE runs: from here on, nobody reads these."""
        await self.collection.update_many(
            {"_id": {"$in": list(run_ids)}}, {"$set": {"status": PRUNING}}
        )

    async def delete(self, run_id: ObjectId) -> None:
        await self.collection.delete_one({"_id": run_id})


class RunPartRepository(Repository):
    """The parts of runs (a segmentation's assignments, a forecast's series): written in
    batches, read once their run is COMPLETE. A part's ``_id`` names its run and itself, so a
    batch written twice after a timeout finds its documents there instead of adding copies."""

    run_field: ClassVar[str]  # the field holding the run's _id (first key of an index)

    def part_id(self, run_id: ObjectId, row: Document) -> str:
        raise NotImplementedError

    async def insert(self, run_id: ObjectId, rows: Sequence[Document]) -> None:
        """Insert a batch; documents already there (a repeated write) are left as they are."""
        documents = [
            {"_id": self.part_id(run_id, row), **row, self.run_field: run_id} for row in rows
        ]
        try:
            await self.collection.insert_many(documents, ordered=False)
        except BulkWriteError as error:
            others = [e for e in error.details["writeErrors"] if e["code"] != DUPLICATE_KEY]
            if others:
                raise

    async def delete_some(self, run_id: ObjectId, limit: int) -> int:
        """Delete up to ``limit`` of the run's parts; how many went."""
        cursor = self.collection.find({self.run_field: run_id}, {"_id": 1}).limit(limit)
        ids = [doc["_id"] async for doc in cursor]
        if not ids:
            return 0
        result = await self.collection.delete_many({"_id": {"$in": ids}})
        return result.deleted_count


async def delete_parts(context: JobContext, parts: RunPartRepository, run_id: ObjectId) -> None:
    """Delete every part of a run, in deletes sized by time."""
    sizer = context.batch_sizer()
    while True:
        started = time.perf_counter()
        deleted = await retrying(
            lambda: parts.delete_some(run_id, sizer.size), f"deleting {parts.collection_name}"
        )
        if not deleted:
            return
        sizer.observe(deleted, time.perf_counter() - started)


async def prune(
    context: JobContext,
    runs: RunRepository,
    delete_parts: Callable[[ObjectId], Awaitable[None]],
    *,
    keep: int,
) -> int:
    """Delete complete runs beyond the newest ``keep``, and runs whose job ended without
    completing them (failed, cancelled, crashed), parts first; returns how many went."""
    old = await runs.complete_beyond(keep)
    unfinished = await runs.unfinished()
    jobs = await JobRepository(context.db).get_many(unfinished)
    # A run's _id is its job's _id; this job's own run is being written.
    dead = [
        run_id
        for run_id, job in zip(unfinished, jobs, strict=True)
        if run_id != context.job["_id"] and (job is None or JobStatus(job["status"]) in TERMINAL)
    ]
    doomed = old + dead
    if doomed:
        await runs.mark_pruning(doomed)
    for run_id in doomed:
        await delete_parts(run_id)
        await runs.delete(run_id)
    return len(doomed)
