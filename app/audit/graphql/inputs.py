"""Filters on the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from app.graphql.inputs import QueryBuilder, as_utc


@strawberry.input(description="Filters on the audit log; all given conditions must hold.")
class AuditLogFilter:
    actor: str | None = strawberry.field(
        default=None, description="An API key prefix or a user's subject."
    )
    object_id: strawberry.ID | None = None
    mutation: str | None = strawberry.field(default=None, description="e.g. `updateCustomer`.")
    since: datetime | None = None

    def to_query(self) -> dict[str, Any]:
        query = QueryBuilder()
        for field, value in (
            ("actor.id", self.actor),
            ("objectId", self.object_id),
            ("mutation", self.mutation),
        ):
            if value is not None:
                query.add(field, str(value)[:200])
        if self.since is not None:
            query.add("at", {"$gte": as_utc(self.since)})
        return query.build()
