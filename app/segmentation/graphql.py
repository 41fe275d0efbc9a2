"""Segmentation runs, a customer's segment, and ``startSegmentation``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import Enum

import strawberry
from bson import ObjectId
from strawberry.scalars import JSON

from app.core.db import Document
from app.core.errors import ErrorCode, InputError
from app.core.validation import Checker
from app.graphql.common import Money, UserError, as_utc, check_list
from app.graphql.context import Info
from app.graphql.pagination import Connection, load_by_id, page_request, top_level_connection
from app.graphql.permissions import ANALYSTS, EVERYONE, allow
from app.graphql.relay import Node, decode_id_or_raise, encode_id
from app.jobs.graphql import JobPayload, start_job
from app.jobs.models import JobKind
from app.segmentation.model import K_RANGE
from app.segmentation.repository import AssignmentRepository, SegmentationRunRepository
from app.segmentation.service import Members

TYPE_NAME = "SegmentationRun"


@strawberry.enum(description="Features the clustering may use.")
class SegmentFeature(Enum):
    RECENCY = "recency"
    FREQUENCY = "frequency"
    MONETARY = "monetary"
    TENURE = "tenure"
    AVERAGE_ORDER_VALUE = "aov"


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
            created_at=doc["createdAt"],
            as_of=doc["asOf"],
            k=doc["k"],
            silhouette=doc.get("silhouette"),
            customer_count=doc["customerCount"],
            params=doc.get("params", {}),
            segments=[
                Segment(
                    key=s["key"],
                    label=s["label"],
                    rank=s["rank"],
                    size=s["size"],
                    share=s["share"],
                    description=s["description"],
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


async def load_run(info: Info, object_id: ObjectId) -> SegmentationRun | None:
    doc = await load_by_id(info.context, SegmentationRunRepository, object_id)
    if doc is None or doc.get("status") != "COMPLETE":
        return None
    return SegmentationRun.from_document(doc)


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
    context = info.context

    async def load_latest(keys: list[str]) -> list[Document | None]:
        latest = await context.get(SegmentationRunRepository).latest()
        return [latest for _ in keys]

    run = await context.loader("latestSegmentation", load_latest).load("latest")
    if run is None:
        return None

    async def load(keys: list[ObjectId]) -> list[Document | None]:
        found = await context.get(AssignmentRepository).for_customers(run["_id"], keys)
        return [found.get(key) for key in keys]

    assignment = await context.loader(("assignment", run["_id"]), load).load(customer_id)
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


@strawberry.input(description="Customers of a segmentation run's segments or RFM groups.")
class SegmentFilter:
    run_id: strawberry.ID
    keys: list[str] | None = None
    rfm_groups: list[str] | None = None


def segment_members(segment: SegmentFilter) -> Members:
    check_list("segment.keys", segment.keys)
    check_list("segment.rfmGroups", segment.rfm_groups)
    run_id = decode_id_or_raise(segment.run_id, TYPE_NAME)
    return Members(run_id, segment.keys, segment.rfm_groups)


@strawberry.input
class StartSegmentationInput:
    as_of: datetime | None = strawberry.field(
        default=None, description="Only orders placed up to this time count; default now."
    )
    k: int | None = strawberry.field(
        default=None, description="Number of segments (2-8); default: chosen by silhouette."
    )
    features: list[SegmentFeature] | None = None
    idempotency_key: str | None = None


def segmentation_params(input: StartSegmentationInput) -> Document:
    check = Checker()
    now = datetime.now(UTC)
    as_of = as_utc(input.as_of) if input.as_of else now
    if as_of > now + timedelta(minutes=5):
        check.add("asOf", ErrorCode.OUT_OF_RANGE, "asOf cannot be in the future.")
    if input.k is not None and input.k not in K_RANGE:
        check.add("k", ErrorCode.OUT_OF_RANGE, f"k must be between {K_RANGE[0]} and {K_RANGE[-1]}.")
    features = list(dict.fromkeys(f.value for f in input.features)) if input.features else None
    if features is not None and len(features) < 2:
        check.add("features", ErrorCode.INVALID, "Give at least two distinct features.")
    check.raise_if_any()
    return {"asOf": as_of, "k": input.k, "features": features}


@strawberry.type
class SegmentationQuery:
    @strawberry.field(extensions=[allow(EVERYONE)])
    async def segmentation_run(self, info: Info, id: strawberry.ID) -> SegmentationRun | None:
        return await load_run(info, decode_id_or_raise(id, TYPE_NAME))

    @strawberry.field(description="Complete runs, newest first.", extensions=[allow(EVERYONE)])
    async def segmentation_runs(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[SegmentationRun]:
        request = page_request(first, after, last, before)
        repository = info.context.get(SegmentationRunRepository)
        return await top_level_connection(
            repository,
            {"status": "COMPLETE"},
            [("createdAt", -1)],
            request,
            SegmentationRun.from_document,
        )

    @strawberry.field(extensions=[allow(EVERYONE)])
    async def latest_segmentation(self, info: Info) -> SegmentationRun | None:
        doc = await info.context.get(SegmentationRunRepository).latest()
        return SegmentationRun.from_document(doc) if doc else None


@strawberry.type
class SegmentationMutation:
    @strawberry.mutation(
        description="Segment customers by how they buy; returns the job to follow.",
        extensions=[allow(ANALYSTS)],
    )
    async def start_segmentation(self, info: Info, input: StartSegmentationInput) -> JobPayload:
        try:
            params = segmentation_params(input)
        except InputError as error:
            return JobPayload(job=None, user_errors=UserError.from_input_error(error))
        return await start_job(info, JobKind.SEGMENTATION, params, input.idempotency_key)
