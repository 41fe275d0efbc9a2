"""Segment filters (used by customers) and startSegmentation's input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import Enum

import strawberry

from app.core.db import Document
from app.core.errors import ErrorCode
from app.core.validation import Checker
from app.graphql.inputs import as_utc, check_list
from app.graphql.relay import decode_id_or_raise
from app.segmentation.clustering import K_RANGE
from app.segmentation.models import TYPE_NAME
from app.segmentation.service import Members


@strawberry.enum(description="Features the clustering may use.")
class SegmentFeature(Enum):
    RECENCY = "recency"
    FREQUENCY = "frequency"
    MONETARY = "monetary"
    TENURE = "tenure"
    AVERAGE_ORDER_VALUE = "aov"


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
