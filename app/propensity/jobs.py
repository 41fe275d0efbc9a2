"""The PROPENSITY_TRAINING job: histories from MongoDB, training off the loop, scores in
batches; the run becomes its target's active model once every score is written."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np
from bson import ObjectId
from numpy.typing import NDArray

from app.core.batches import in_timed_batches
from app.core.cpu import run_cpu
from app.core.db import Document, MongoDatabase
from app.jobs.context import JobCancelled, JobContext, JobFailed, LostLease
from app.jobs.models import JobKind
from app.jobs.registry import handles
from app.jobs.runs import delete_parts
from app.jobs.runs import prune as prune_runs
from app.orders.repository import OrderRepository
from app.propensity.features import Floats, Histories, histories
from app.propensity.models import PropensityModel, PropensityTarget
from app.propensity.repository import PropensityModelRepository, PropensityScoreRepository
from app.propensity.training import InsufficientData, Training, ranks, train
from app.tickets.repository import TicketRepository

KEEP_RUNS = 5  # complete runs kept per target (the newest is the active one)


async def load_histories(db: MongoDatabase, as_of: datetime) -> tuple[Histories, str]:
    """Every revenue order (in the main currency) and ticket up to ``as_of``, grouped per
    customer in MongoDB, flattened for NumPy off the loop."""
    orders = OrderRepository(db)
    currency = await orders.main_currency(as_of) or "USD"
    order_rows = await orders.revenue_histories(as_of, currency)
    ticket_rows = await TicketRepository(db).customer_histories(as_of)
    return await run_cpu(histories, order_rows, ticket_rows, currency), currency


def score_rows(
    result: Training, rank: NDArray[np.int64], percentile: Floats, start: int, stop: int
) -> list[Document]:
    """Score documents for customers ``start`` to ``stop`` (built a batch at a time)."""
    return [
        {
            "customerId": result.customer_ids[i],
            "score": round(float(result.scores[i]), 5),
            "rank": int(rank[i]),
            "percentile": float(percentile[i]),
            "reasons": result.reasons[i],
        }
        for i in range(start, min(stop, len(result.customer_ids)))
    ]


@handles(JobKind.PROPENSITY_TRAINING)
async def run_propensity_training(context: JobContext) -> Document:
    params = context.params
    as_of: datetime = params["asOf"]
    if as_of.tzinfo is None:
        as_of = as_of.replace(tzinfo=UTC)
    target = PropensityTarget(params["target"])
    horizon: int = params["horizonDays"]
    run_id = context.job["_id"]  # one run per job: a retried job rewrites the same run
    runs = PropensityModelRepository(context.db)
    await prune(context)
    await context.progress(0, None, "loading order and ticket histories from MongoDB")
    found, currency = await load_histories(context.db, as_of)
    await context.progress(0, None, f"training on {len(found.customer_ids):,} customers")
    try:
        result = await run_cpu(
            train, found, as_of.timestamp(), horizon, target, PropensityModel(params["model"])
        )
    except InsufficientData as error:
        raise JobFailed("INSUFFICIENT_DATA", str(error)) from None
    attempt = context.attempt.token
    started = await runs.start(
        run_id,
        {
            "createdAt": context.job["createdAt"],
            "asOf": as_of,
            "target": target.value,
            "horizonDays": horizon,
            "currency": currency,
            "customerCount": len(result.customer_ids),
            **result.summary,
        },
        attempt,
    )
    if not started:
        return {"modelId": run_id}  # an earlier attempt completed the run
    try:
        await _write_scores(context, run_id, result)
    except JobCancelled:
        await runs.mark_pruning([run_id])
        raise JobCancelled(cleanup=lambda: _delete_run(context, run_id)) from None
    if not await runs.complete(run_id, {"completedAt": datetime.now(UTC)}, attempt):
        raise LostLease
    await prune(context)
    return {"modelId": run_id}


async def _write_scores(context: JobContext, run_id: ObjectId, result: Training) -> None:
    """Every score, in writes sized by time; a retried attempt starts over from nothing."""
    store = PropensityScoreRepository(context.db)
    await delete_parts(context, store, run_id)
    total = len(result.customer_ids)
    sizer = context.batch_sizer()
    chunk = context.settings.write_batch_size
    rank, percentile = await run_cpu(ranks, result.scores)
    for start in range(0, total, chunk):
        rows = await run_cpu(score_rows, result, rank, percentile, start, start + chunk)

        async def written(done: int, start: int = start) -> None:
            await context.progress(start + done, total, "writing scores")

        await in_timed_batches(
            rows, sizer, lambda batch: store.insert(run_id, batch), written, what="writing scores"
        )


async def prune(context: JobContext) -> int:
    """Delete complete runs beyond each target's newest ``KEEP_RUNS``, and runs whose job
    ended without completing them."""

    async def parts(run_id: Any) -> None:
        await delete_parts(context, PropensityScoreRepository(context.db), run_id)

    return await prune_runs(context, PropensityModelRepository(context.db), parts, keep=KEEP_RUNS)


async def _delete_run(context: JobContext, run_id: ObjectId) -> None:
    await delete_parts(context, PropensityScoreRepository(context.db), run_id)
    await PropensityModelRepository(context.db).delete(run_id)
