"""Segmentation runs and customers' assignments, batched per request."""

from __future__ import annotations

from bson import ObjectId

from app.core.db import Document
from app.graphql.connections import load_by_id
from app.graphql.context import Info
from app.jobs.runs import COMPLETE
from app.segmentation.repository import AssignmentRepository, SegmentationRunRepository


async def run(info: Info, object_id: ObjectId) -> Document | None:
    """A complete run (one still being written or pruned is nobody's to read)."""
    doc = await load_by_id(info.context, SegmentationRunRepository, object_id)
    return doc if doc is not None and doc.get("status") == COMPLETE else None


async def latest_run(info: Info) -> Document | None:
    async def load(keys: list[str]) -> list[Document | None]:
        latest = await info.context.get(SegmentationRunRepository).latest()
        return [latest for _ in keys]

    document: Document | None = await info.context.loader("latestSegmentation", load).load("latest")
    return document


async def assignment(info: Info, run_id: ObjectId, customer_id: ObjectId) -> Document | None:
    """A customer's assignment in a run (batched across the customers of a page)."""

    async def load(keys: list[ObjectId]) -> list[Document | None]:
        found = await info.context.get(AssignmentRepository).for_customers(run_id, keys)
        return [found.get(key) for key in keys]

    document: Document | None = await info.context.loader(("assignment", run_id), load).load(
        customer_id
    )
    return document
