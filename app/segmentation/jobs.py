"""The SEGMENTATION job: features in MongoDB, the model off the loop, assignments in batches."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np
from bson import ObjectId

from app.core.batches import in_timed_batches
from app.core.cpu import run_cpu
from app.core.db import Document, MongoDatabase
from app.customers.repository import CustomerRepository
from app.jobs.context import JobCancelled, JobContext, JobFailed, LostLease
from app.jobs.models import JobKind
from app.jobs.registry import handles
from app.jobs.runs import delete_parts
from app.jobs.runs import prune as prune_runs
from app.orders.repository import OrderRepository
from app.segmentation.clustering import (
    FEATURES,
    NO_ORDERS,
    Features,
    Segmentation,
    explain,
    segment,
)
from app.segmentation.repository import AssignmentRepository, SegmentationRunRepository

DAY = 86_400.0


async def build_features(db: MongoDatabase, as_of: datetime) -> tuple[Features, list[Any], str]:
    """Features of customers with revenue orders up to ``as_of``, the IDs of those without,
    and the currency the features are in."""
    orders = OrderRepository(db)
    currency = await orders.main_currency(as_of) or "USD"
    rows = await orders.purchase_features(as_of, currency)
    rows.sort(key=lambda row: str(row["_id"]))  # a stable order: same data, same result
    with_orders = {row["_id"] for row in rows}
    everyone = await CustomerRepository(db).ids_created_before(as_of)
    without = sorted((c for c in everyone if c not in with_orders), key=str)

    def days(moment: datetime) -> float:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return max((as_of - moment).total_seconds() / DAY, 0.0)

    features = Features(
        customer_ids=[row["_id"] for row in rows],
        recency=np.array([days(row["last"]) for row in rows], dtype=np.float64),
        frequency=np.array([row["orders"] for row in rows], dtype=np.float64),
        monetary=np.array([row["spent"] for row in rows], dtype=np.float64),
        tenure=np.array([days(row["first"]) for row in rows], dtype=np.float64),
    )
    return features, without, currency


def assignments(
    features: Features, result: Segmentation, currency: str, start: int, stop: int
) -> list[Document]:
    """Assignment documents for customers ``start`` to ``stop`` (built a batch at a time, so a
    million customers never sit in memory as documents at once)."""
    rows = []
    for index in range(start, min(stop, len(features.customer_ids))):
        customer_id = features.customer_ids[index]
        seg = result.segments[int(result.labels[index])]
        r, f, m = int(result.r[index]), int(result.f[index]), int(result.m[index])
        rows.append(
            {
                "customerId": customer_id,
                "key": seg.key,
                "rfm": {
                    "r": r,
                    "f": f,
                    "m": m,
                    "score": f"{r}{f}{m}",
                    "group": result.groups[index],
                },
                "explanation": explain(features, index, result, currency),
            }
        )
    return rows


@handles(JobKind.SEGMENTATION)
async def run_segmentation(context: JobContext) -> Document:
    params = context.params
    as_of: datetime = params["asOf"]
    if as_of.tzinfo is None:
        as_of = as_of.replace(tzinfo=UTC)
    names = tuple(params.get("features") or FEATURES)
    run_id = context.job["_id"]  # one run per job: a retried job rewrites the same run
    runs = SegmentationRunRepository(context.db)
    await prune(context, keep=context.settings.keep_segmentation_runs)
    await context.progress(0, None, "computing features in MongoDB")
    features, without, currency = await build_features(context.db, as_of)
    if len(features.customer_ids) < 2:
        raise JobFailed("NOT_ENOUGH_DATA", "Fewer than two customers have orders before asOf.")
    await context.progress(0, None, f"clustering {len(features.customer_ids):,} customers")
    result = await run_cpu(segment, features, params.get("k"), currency, names)
    if params.get("k") and result.k < params["k"]:
        buyers = len(features.customer_ids)
        message = f"k lowered from {params['k']} to {result.k}: {buyers} customers have orders"
        await context.progress(0, None, message)
    total = len(features.customer_ids) + len(without)
    attempt = context.attempt.token
    started = await runs.start(
        run_id,
        {
            "createdAt": context.job["createdAt"],
            "asOf": as_of,
            "k": result.k,
            "silhouette": result.silhouette,
            "customerCount": total,
            "currency": currency,
            "params": {"k": params.get("k"), "features": list(names)},
        },
        attempt,
    )
    if not started:
        # An earlier attempt completed the run and died before it ended the job (or a later
        # one completed it and this attempt is stale: then ending the job is fenced off).
        return {"runId": run_id}
    try:
        await _write_assignments(context, run_id, features, without, result, currency)
    except JobCancelled:
        # Nobody reads the run from here on; its assignments go once the job is CANCELLED.
        await runs.mark_pruning([run_id])
        raise JobCancelled(cleanup=lambda: _delete_run(context, run_id)) from None
    segments = _segments(result, len(without), total)
    if not await runs.complete(
        run_id, {"segments": segments, "completedAt": datetime.now(UTC)}, attempt
    ):
        raise LostLease  # another attempt took the run over while this one wrote it
    await prune(context, keep=context.settings.keep_segmentation_runs)
    return {"runId": run_id}


def _segments(result: Segmentation, without: int, total: int) -> list[Document]:
    segments: list[Document] = [
        {
            "key": s.key,
            "label": s.label,
            "rank": s.rank,
            "size": s.size,
            "share": s.size / total,
            "description": s.description,
            "centroid": {
                "recencyDays": s.recency,
                "frequency": s.frequency,
                "monetary": round(s.monetary),
            },
        }
        for s in result.segments
    ]
    if without:
        segments.append(
            {
                "key": NO_ORDERS,
                "label": "No purchases yet",
                "rank": len(segments) + 1,
                "size": without,
                "share": without / total,
                "description": f"{without:,} customers with no orders yet: "
                "welcome them with a first-order offer.",
                "centroid": None,
            }
        )
    return segments


async def _write_assignments(
    context: JobContext,
    run_id: ObjectId,
    features: Features,
    without: list[Any],
    result: Segmentation,
    currency: str,
) -> None:
    """Every customer's assignment, in writes sized by time; a retried attempt starts over
    from nothing (its predecessor may have written part of the run)."""
    store = AssignmentRepository(context.db)
    await _delete_assignments(context, run_id)
    buyers = len(features.customer_ids)
    total = buyers + len(without)
    sizer = context.batch_sizer()
    chunk = context.settings.write_batch_size  # rows built at a time, off the event loop
    for start in range(0, total, chunk):
        rows = await run_cpu(assignments, features, result, currency, start, start + chunk)
        rows += [
            {
                "customerId": customer_id,
                "key": NO_ORDERS,
                "rfm": None,
                "explanation": "No revenue orders before the run's asOf date.",
            }
            for customer_id in without[max(start - buyers, 0) : max(start + chunk - buyers, 0)]
        ]

        async def written(done: int, start: int = start) -> None:
            await context.progress(start + done, total, "writing assignments")

        await in_timed_batches(
            rows,
            sizer,
            lambda batch: store.insert(run_id, batch),
            written,
            what="writing segment assignments",
        )


async def _delete_assignments(context: JobContext, run_id: ObjectId) -> None:
    await delete_parts(context, AssignmentRepository(context.db), run_id)


async def prune(context: JobContext, *, keep: int) -> int:
    """Delete complete runs beyond the newest ``keep``, and those whose job ended without
    completing them; returns how many went."""
    runs = SegmentationRunRepository(context.db)
    return await prune_runs(
        context, runs, lambda run_id: _delete_assignments(context, run_id), keep=keep
    )


async def _delete_run(context: JobContext, run_id: ObjectId) -> None:
    await _delete_assignments(context, run_id)
    await SegmentationRunRepository(context.db).delete(run_id)
