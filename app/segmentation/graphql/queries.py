"""``segmentationRun``, ``segmentationRuns`` and ``latestSegmentation``."""

from __future__ import annotations

import strawberry

from app.graphql.connections import connection_field
from app.graphql.context import Info
from app.graphql.permissions import EVERYONE, allow
from app.graphql.relay import decode_id_or_raise, load_node
from app.jobs.runs import COMPLETE
from app.segmentation.graphql import loaders
from app.segmentation.graphql.types import SegmentationRun
from app.segmentation.models import TYPE_NAME
from app.segmentation.repository import SegmentationRunRepository


@strawberry.type
class SegmentationQuery:
    @strawberry.field(extensions=[allow(EVERYONE)])
    async def segmentation_run(self, info: Info, id: strawberry.ID) -> SegmentationRun | None:
        node: SegmentationRun | None = await load_node(
            info, TYPE_NAME, decode_id_or_raise(id, TYPE_NAME)
        )
        return node

    segmentation_runs = connection_field(
        SegmentationRun,
        SegmentationRunRepository,
        base_query={"status": COMPLETE},
        roles=EVERYONE,
        description="Complete runs, newest first.",
    )

    @strawberry.field(extensions=[allow(EVERYONE)])
    async def latest_segmentation(self, info: Info) -> SegmentationRun | None:
        doc = await loaders.latest_run(info)
        return SegmentationRun.from_document(doc) if doc else None
