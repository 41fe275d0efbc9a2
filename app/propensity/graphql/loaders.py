"""Propensity model runs and customers' scores, batched per request."""

from __future__ import annotations

from bson import ObjectId

from app.core.db import Document
from app.graphql.connections import load_by_id
from app.graphql.context import Info
from app.jobs.runs import COMPLETE
from app.propensity.models import PropensityTarget
from app.propensity.repository import PropensityModelRepository, PropensityScoreRepository


async def model(info: Info, object_id: ObjectId) -> Document | None:
    """A complete run (one still being written or pruned is nobody's to read)."""
    doc = await load_by_id(info.context, PropensityModelRepository, object_id)
    return doc if doc is not None and doc.get("status") == COMPLETE else None


async def active(info: Info, target: PropensityTarget) -> Document | None:
    """The target's active model: its newest complete run (one query per target a request)."""

    async def load(keys: list[PropensityTarget]) -> list[Document | None]:
        repository = info.context.get(PropensityModelRepository)
        return [await repository.active(key) for key in keys]

    document: Document | None = await info.context.loader("activePropensity", load).load(target)
    return document


async def score(info: Info, run_id: ObjectId, customer_id: ObjectId) -> Document | None:
    """A customer's score in a run (batched across the customers of a page)."""

    async def load(keys: list[ObjectId]) -> list[Document | None]:
        found = await info.context.get(PropensityScoreRepository).for_customers(run_id, keys)
        return [found.get(key) for key in keys]

    document: Document | None = await info.context.loader(("propensity", run_id), load).load(
        customer_id
    )
    return document
