"""The CAMPAIGN_ASSIGNMENT job: the audience found now, hashed to variants, written in batches.

Assignments are permanent: a customer already assigned (by an earlier run, on demand, or by
the sending tool's events) keeps their variant, so re-running after the audience grew only adds
the newcomers.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from bson import ObjectId
from graphql import GraphQLError

from app.campaigns.assignment import assigner_of
from app.campaigns.graphql.audience import audience_ids
from app.campaigns.models import ASSIGNABLE
from app.campaigns.repository import (
    CampaignAssignmentRepository,
    CampaignRepository,
    assignment_document,
)
from app.core.batches import in_timed_batches
from app.core.cpu import run_cpu
from app.core.db import Document
from app.jobs.context import JobContext, JobFailed
from app.jobs.models import JobKind
from app.jobs.registry import handles


def _assignments(campaign: Document, ids: list[ObjectId], now: datetime) -> list[Document]:
    """Every customer's assignment by the hash (a million hashes: off the event loop)."""
    variants = assigner_of(campaign).variants([str(i) for i in ids])
    return [
        assignment_document(campaign["_id"], customer, variant, now, "hash")
        for customer, variant in zip(ids, variants, strict=True)
    ]


@handles(JobKind.CAMPAIGN_ASSIGNMENT)
async def run_campaign_assignment(context: JobContext) -> Document:
    campaign_id: ObjectId = context.params["campaignId"]
    campaign = await CampaignRepository(context.db).get(campaign_id)
    if campaign is None:
        raise JobFailed("NOT_FOUND", "The campaign was deleted.")
    if campaign["status"] not in ASSIGNABLE:
        raise JobFailed(
            "INVALID_TRANSITION", f"The campaign is {campaign['status']}: nobody new joins it."
        )
    await context.progress(0, None, "finding the audience")
    try:
        ids = await audience_ids(context.db, campaign["audience"])
    except GraphQLError as error:  # the filter cannot be evaluated now (no propensity model)
        code = (error.extensions or {}).get("code", "INVALID_FILTER")
        raise JobFailed(str(code), error.message) from None
    assignments = CampaignAssignmentRepository(context.db)
    # Those already assigned keep their variant: only the others are hashed and written (the
    # insert still skips anyone assigned meanwhile; on the embedded store each refused
    # duplicate costs a scan, so a re-run over 3,000 assigned customers took 50 s).
    known = set(await assignments.members(campaign_id))
    newcomers = [customer for customer in ids if customer not in known]
    documents = await run_cpu(_assignments, campaign, newcomers, datetime.now(UTC))
    added = 0

    async def write(batch: Sequence[Document]) -> None:
        nonlocal added
        added += await assignments.add(list(batch))

    async def written(done: int) -> None:
        await context.progress(done, len(documents), "assigning")

    await in_timed_batches(
        documents, context.batch_sizer(), write, written, what="writing assignments"
    )
    sizes = await assignments.sizes(campaign_id)
    return {
        "campaignId": campaign_id,
        "audience": len(ids),
        "added": added,
        "sizes": [{"key": key, "count": count} for key, count in sorted(sizes.items())],
    }
