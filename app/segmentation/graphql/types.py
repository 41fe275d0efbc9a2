"""Segmentation runs, their segments, a customer's place in them, and the job's result."""

from __future__ import annotations

from datetime import datetime

import strawberry
from bson import ObjectId
from strawberry.scalars import JSON

from app.core.db import Document
from app.graphql.context import Info
from app.graphql.relay import Node, encode_id, register_node
from app.graphql.types import Money, copied
from app.jobs.models import JobKind
from app.jobs.registry import result_of
from app.segmentation.graphql import loaders
from app.segmentation.models import TYPE_NAME


@strawberry.type(description="A segment's centre in original units.")
class SegmentCentroid:
    recency_days: float
    frequency: float
    monetary: Money


@strawberry.type
class Segment:
    key: str
    label: str
    rank: int = strawberry.field(description="1 = most valuable (highest average spend).")
    size: int
    share: float
    description: str
    centroid: SegmentCentroid | None


@strawberry.type(description="One segmentation of the customer base, as of a date.")
class SegmentationRun(Node):
    id: strawberry.ID
    created_at: datetime
    as_of: datetime
    k: int
    silhouette: float | None
    customer_count: int
    params: JSON
    segments: list[Segment]
    object_id: strawberry.Private[ObjectId]

    @classmethod
    def from_document(cls, doc: Document) -> SegmentationRun:
        currency = doc.get("currency", "USD")
        return cls(
            id=encode_id(TYPE_NAME, doc["_id"]),
            object_id=doc["_id"],
            params=doc.get("params", {}),
            **copied(doc, "created_at", "as_of", "k", "customer_count", optional=("silhouette",)),
            segments=[
                Segment(
                    **copied(s, "key", "label", "rank", "size", "share", "description"),
                    centroid=SegmentCentroid(
                        recency_days=s["centroid"]["recencyDays"],
                        frequency=s["centroid"]["frequency"],
                        monetary=Money.of(int(s["centroid"]["monetary"]), currency),
                    )
                    if s.get("centroid")
                    else None,
                )
                for s in doc.get("segments", [])
            ],
        )


register_node(TYPE_NAME, SegmentationRun.from_document, loaders.run)


@strawberry.type
class SegmentRef:
    key: str
    label: str
    rank: int


@strawberry.type
class Rfm:
    r: int
    f: int
    m: int
    score: str = strawberry.field(description="R, F and M digits, e.g. `545`.")
    group: str = strawberry.field(description="The named RFM group, e.g. `Champions`.")


@strawberry.type(description="Where a customer sits in the latest segmentation, and why.")
class CustomerSegment:
    run: SegmentationRun
    segment: SegmentRef
    rfm: Rfm | None
    explanation: str


async def customer_segment(info: Info, customer_id: ObjectId) -> CustomerSegment | None:
    """The customer's place in the latest complete run (batched across customers)."""
    run = await loaders.latest_run(info)
    if run is None:
        return None
    assignment = await loaders.assignment(info, run["_id"], customer_id)
    if assignment is None:
        return None
    segments = {s["key"]: s for s in run["segments"]}
    seg = segments[assignment["key"]]
    rfm = assignment.get("rfm")
    return CustomerSegment(
        run=SegmentationRun.from_document(run),
        segment=SegmentRef(key=seg["key"], label=seg["label"], rank=seg["rank"]),
        rfm=Rfm(**rfm) if rfm else None,
        explanation=assignment["explanation"],
    )


@result_of(JobKind.SEGMENTATION)
@strawberry.type(description="The result of a SEGMENTATION job.")
class SegmentationResult:
    run_id: strawberry.Private[ObjectId]

    @classmethod
    def from_document(cls, result: Document) -> SegmentationResult:
        return cls(run_id=result["runId"])

    @strawberry.field
    async def run(self, info: Info) -> SegmentationRun | None:
        document = await loaders.run(info, self.run_id)
        return SegmentationRun.from_document(document) if document else None
