"""The tagging jobs: FEEDBACK_TAGGING (backfill), TAGGER_TRAINING, TOPIC_DISCOVERY."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from bson import ObjectId, json_util

from app.core.batches import retrying
from app.core.cpu import run_cpu
from app.core.db import Document, MongoDatabase
from app.jobs.context import JobContext, JobFailed
from app.jobs.models import JobKind
from app.jobs.registry import handles
from app.jobs.repository import JobRepository
from app.jobs.service import JobService
from app.tagging.discovery import discover, suggested_name
from app.tagging.models import Example
from app.tagging.repository import (
    ExampleRepository,
    TaggerModelRepository,
    TagRepository,
    keywords_of,
)
from app.tagging.seed import seed_examples
from app.tagging.service import TaggingService, active_model, feedback_text, remember_model
from app.tagging.topic_model import NO_FALLBACK
from app.tagging.training import merge, train_and_compare
from app.tickets.repository import TicketRepository

POOR_FIT = 0.6  # a ticket whose best tag is less sure than this fits the taxonomy poorly
DISCOVERY_LIMIT = 5_000


def encode_query(query: Document) -> str:
    """A Mongo filter as Extended JSON: job params must not hold ``$`` keys."""
    return json_util.dumps(query)


@handles(JobKind.FEEDBACK_TAGGING)
async def run_feedback_tagging(context: JobContext) -> Document:
    query: dict[str, Any] = json_util.loads(context.params["query"])
    if not context.params.get("retag"):
        query = {"$and": [query, {"taggedAt": None}]} if query else {"taggedAt": None}
    tickets = TicketRepository(context.db)
    service = TaggingService(context.db)
    total = await tickets.count(query)
    await context.progress(0, total, "tagging tickets")
    done = tagged = kept = 0
    after = None
    sizer = context.batch_sizer()  # one batch read, tagged and written in about the target time
    while batch := await tickets.batch_after(query, after, sizer.size):
        started = time.perf_counter()
        tagged += await retrying(partial(service.tag_tickets, batch), "tagging")
        sizer.observe(len(batch), time.perf_counter() - started)
        kept += sum(1 for ticket in batch if ticket.get("tagsReviewed"))
        done += len(batch)
        after = batch[-1]["_id"]
        await context.progress(done, max(total, done), "tagging tickets")
    return {"matched": done, "tagged": tagged, "agentTagsKept": kept}


class VersionTaken(Exception):
    """A concurrent save took the version number (or this job's version) first."""


@handles(JobKind.TAGGER_TRAINING)
async def run_tagger_training(context: JobContext) -> Document:
    models = TaggerModelRepository(context.db)
    job_id = context.job["_id"]
    existing = await models.by_job(job_id)  # a retried job does not train twice
    if existing is None:

        async def progress(message: str) -> None:
            await context.progress(0, None, message)

        try:
            saved, activated = await train_version(context.db, job_id, progress)
        except ValueError as error:
            raise JobFailed("NOT_ENOUGH_DATA", str(error)) from None
        except VersionTaken:
            # Another attempt of this job saved its version first (this one lost its lease
            # while training); otherwise another training job did, and this one retries.
            existing = await models.by_job(job_id)
            if existing is None:
                raise
        else:
            return {"modelId": saved["_id"], "activated": activated}
    # The attempt before stopped between saving and activating: finish that step.
    if existing.get("better") and existing.get("activatedAt") is None:
        await models.activate(existing["_id"], datetime.now(UTC))
    return {"modelId": existing["_id"], "activated": bool(existing.get("better"))}


async def train_version(
    db: MongoDatabase,
    job_id: ObjectId | None,
    progress: Callable[[str], Awaitable[None]] | None = None,
) -> tuple[Document, bool]:
    """Train on the shipped and agent examples, store the version with its evaluation, and
    activate it if it beats the active one; returns (the version, whether it was activated)."""
    models = TaggerModelRepository(db)
    keywords = keywords_of(await TagRepository(db).active())
    agent_rows = await ExampleRepository(db).everything()
    agent = [Example(row["text"], tuple(row["tags"])) for row in agent_rows]
    examples = merge(seed_examples(), agent, list(keywords))
    # The incumbent as stored now, not as cached: the new version must beat the real one.
    active_id, incumbent = await active_model(db, max_age=0)
    active = await models.get(active_id) if active_id else None
    if progress is not None:
        await progress(f"training on {len(examples):,} examples")
    outcome = await run_cpu(train_and_compare, examples, keywords, incumbent)
    now = datetime.now(UTC)
    document = {
        "version": await models.next_version(),
        "jobId": job_id,
        "createdAt": now,
        "activatedAt": None,
        "better": outcome.better,  # activation is due (kept, so a retry can finish it)
        "threshold": outcome.model.threshold,
        "tagThresholds": outcome.model.cutoffs().tolist(),  # in the order of learnedTags
        "fallbackThreshold": None
        if outcome.model.fallback >= NO_FALLBACK
        else outcome.model.fallback,
        "learnedTags": outcome.model.tags,
        "examples": {
            "shipped": len(seed_examples()),
            "agent": len(agent),
            "training": outcome.trained_on,
            "heldOut": outcome.held_out,
        },
        "evaluation": _evaluation(outcome.evaluation),
        "comparedWith": {
            "modelId": active["_id"] if active else None,
            "version": active["version"] if active else None,
            "evaluation": _evaluation(outcome.incumbent),
        },
    }
    saved = await models.save(document, await run_cpu(outcome.model.to_bytes))
    if saved is None:
        raise VersionTaken
    if outcome.better:
        await models.activate(saved["_id"], datetime.now(UTC))
        remember_model(db, saved["_id"], outcome.model)
    return saved, outcome.better


async def queue_first_training(db: MongoDatabase) -> bool:
    """Start a TAGGER_TRAINING job on a database whose tagger never trained, so that a fresh
    install tags with a model learned from the shipped examples a few seconds after it starts,
    not with the keyword rules alone until someone trains one. Never again once a version
    exists or a training was started (queued, run or failed)."""
    if await TaggerModelRepository(db).next_version() > 1:
        return False
    if await JobRepository(db).any_of_kind(JobKind.TAGGER_TRAINING):
        return False
    await JobService(db).start(JobKind.TAGGER_TRAINING, {})
    return True


def _evaluation(evaluation: Any) -> Document:
    return {
        "macroF1": evaluation.macro_f1,
        "microF1": evaluation.micro_f1,
        "examples": evaluation.examples,
        "tags": [
            {
                "tag": s.tag,
                "precision": s.precision,
                "recall": s.recall,
                "f1": s.f1,
                "support": s.support,
            }
            for s in evaluation.tags
        ],
    }


@handles(JobKind.TOPIC_DISCOVERY)
async def run_topic_discovery(context: JobContext) -> Document:
    since: datetime = context.params["since"]
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    await context.progress(0, None, "finding feedback the taxonomy fits poorly")
    tickets = await TicketRepository(context.db).poorly_tagged_since(
        since, POOR_FIT, DISCOVERY_LIMIT
    )
    await context.progress(0, len(tickets), f"clustering {len(tickets):,} tickets")
    clusters = await run_cpu(discover, [feedback_text(t) for t in tickets])
    suggestions = [
        {
            "name": suggested_name(cluster),
            "size": cluster.size,
            "terms": cluster.terms,
            "ticketIds": [tickets[i]["_id"] for i in cluster.examples],
        }
        for cluster in clusters
    ]
    await context.progress(len(tickets), len(tickets), "done")
    return {"since": since, "considered": len(tickets), "suggestions": suggestions}


def default_since(now: datetime) -> datetime:
    return now - timedelta(days=30)
