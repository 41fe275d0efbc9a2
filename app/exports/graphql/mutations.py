"""``startExport``: start an EXPORT job of one entity, filtered, as CSV or JSON Lines."""

from __future__ import annotations

import strawberry

from app.core.errors import ErrorCode, InputError
from app.customers.graphql.inputs import CustomerFilter
from app.exports.graphql.inputs import StartExportInput
from app.graphql.context import Info
from app.graphql.mutations import Idempotent
from app.graphql.payloads import refused
from app.graphql.permissions import ANALYSTS, allow
from app.jobs.graphql.mutations import JobPayload, start_job
from app.jobs.models import JobKind
from app.products.graphql.inputs import ProductFilter


@strawberry.type
class ExportMutation:
    @strawberry.mutation(
        description="Export records to a file; analysts get emails and phones masked.",
        extensions=[allow(ANALYSTS)],
    )
    async def start_export(self, info: Info, input: StartExportInput) -> JobPayload:
        entity = input.entity.value
        given = input.filter
        filters: dict[str, CustomerFilter | ProductFilter | None] = {
            "CUSTOMERS": given.customers if given else None,
            "PRODUCTS": given.products if given else None,
        }
        others = [name for name, value in filters.items() if value is not None and name != entity]
        if others:
            error = InputError.one(
                "filter", ErrorCode.INVALID, f"Give only the filter of {entity.lower()}."
            )
            return refused(JobPayload, "job", error)
        chosen = filters[entity]
        query = chosen.to_query() if chosen is not None else {}
        principal = await info.context.require_principal()
        params = {
            "entity": entity,
            "format": input.format.value,
            "query": query,
            "role": principal.role.value,
        }
        same = Idempotent(input.idempotency_key, params)
        return await start_job(info, JobKind.EXPORT, params, same)
