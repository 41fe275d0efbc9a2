"""Job filters."""

from __future__ import annotations

from typing import Any

import strawberry

from app.graphql.inputs import QueryBuilder
from app.jobs.models import JobKind, JobStatus


@strawberry.input
class JobFilter:
    kind: list[JobKind] | None = None
    status: list[JobStatus] | None = None

    def to_query(self) -> dict[str, Any]:
        query = QueryBuilder()
        query.one_of("kind", self.kind, "kind")
        query.one_of("status", self.status, "status")
        return query.build()
