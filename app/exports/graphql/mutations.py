"""``startExport``: start an EXPORT job of one entity, filtered, as CSV or JSON Lines."""

from __future__ import annotations

import strawberry

from app.core.db import Document
from app.core.errors import ErrorCode, InputError
from app.exports.graphql.inputs import ExportFilter, StartExportInput
from app.graphql.context import Info
from app.graphql.mutations import Idempotent
from app.graphql.payloads import refused
from app.graphql.permissions import ANALYSTS, allow
from app.jobs.graphql.mutations import JobPayload, start_job
from app.jobs.models import JobKind
from app.segmentation.graphql.inputs import SegmentFilter, segment_members
from app.segmentation.repository import SegmentationRunRepository

FILTERS = {
    "CUSTOMERS": "customers",
    "PRODUCTS": "products",
    "ORDERS": "orders",
    "TICKETS": "tickets",
    "SEGMENT_ASSIGNMENTS": "segment_assignments",
    "TAGGED_FEEDBACK": "tagged_feedback",
}


async def _segment_query(info: Info, segment: SegmentFilter | None) -> Document:
    """The assignments of the filter's run (complete), or of the latest complete run."""
    runs = info.context.get(SegmentationRunRepository)
    if segment is None:
        run = await runs.latest()
        if run is None:
            raise InputError.one("filter", ErrorCode.NOT_FOUND, "No segmentation has run yet.")
        return {"runId": run["_id"]}
    members = segment_members(segment)
    if await runs.latest(_id=members.run_id) is None:
        raise InputError.one(
            "filter.segmentAssignments.runId",
            ErrorCode.NOT_FOUND,
            "No complete segmentation run has this ID.",
        )
    query: Document = {"runId": members.run_id}
    if members.keys:
        query["key"] = {"$in": members.keys}
    if members.groups:
        query["rfm.group"] = {"$in": members.groups}
    return query


async def export_query(info: Info, entity: str, given: ExportFilter | None) -> Document:
    """The query of the exported entity's filter; another entity's filter is an error."""
    chosen = FILTERS[entity]
    others = [name for name in FILTERS.values() if name != chosen and getattr(given, name, None)]
    if others:
        raise InputError.one("filter", ErrorCode.INVALID, f"Give only the filter of {chosen}.")
    value = getattr(given, chosen, None)
    if entity == "SEGMENT_ASSIGNMENTS":
        return await _segment_query(info, value)
    query: Document = value.to_query() if value is not None else {}
    return query


@strawberry.type
class ExportMutation:
    @strawberry.mutation(
        description="Export records to a file; analysts get emails and phones masked.",
        extensions=[allow(ANALYSTS)],
    )
    async def start_export(self, info: Info, input: StartExportInput) -> JobPayload:
        entity = input.entity.value
        try:
            query = await export_query(info, entity, input.filter)
        except InputError as error:
            return refused(JobPayload, "job", error)
        principal = await info.context.require_principal()
        params = {
            "entity": entity,
            "format": input.format.value,
            "query": query,
            "role": principal.role.value,
        }
        same = Idempotent(input.idempotency_key, params)
        return await start_job(info, JobKind.EXPORT, params, same)
