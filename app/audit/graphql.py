"""``auditLog``: the trail of successful mutations, for admins."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON

from app.audit.repository import AuditRepository
from app.auth.roles import Role
from app.core.db import Document
from app.graphql.common import QueryBuilder, as_utc
from app.graphql.context import Info
from app.graphql.pagination import Connection, page_request, top_level_connection
from app.graphql.permissions import ADMINS, allow


def _json_safe(value: Any) -> Any:
    """Stored values (ObjectIds, datetimes) as JSON: what a client can show in a diff."""
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


@strawberry.type(description="Who made a change.")
class AuditActor:
    kind: str
    id: str
    name: str
    role: Role


@strawberry.type(description="One changed field; secrets appear as `[redacted]`.")
class FieldChange:
    field: str
    old: JSON | None
    new: JSON | None


@strawberry.type(description="A successful mutation.")
class AuditEntry:
    at: datetime
    actor: AuditActor
    mutation: str
    object_type: str
    object_id: strawberry.ID
    changes: list[FieldChange]
    request_id: str

    @classmethod
    def from_document(cls, doc: Document) -> AuditEntry:
        actor = doc["actor"]
        return cls(
            at=doc["at"],
            actor=AuditActor(
                kind=actor["kind"], id=actor["id"], name=actor["name"], role=Role(actor["role"])
            ),
            mutation=doc["mutation"],
            object_type=doc["objectType"],
            object_id=strawberry.ID(doc["objectId"]),
            changes=[
                FieldChange(field=c["field"], old=_json_safe(c["old"]), new=_json_safe(c["new"]))
                for c in doc["changes"]
            ],
            request_id=doc["requestId"],
        )


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


@strawberry.type
class AuditQuery:
    @strawberry.field(description="Successful mutations, newest first.", extensions=[allow(ADMINS)])
    async def audit_log(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: AuditLogFilter | None = None,
    ) -> Connection[AuditEntry]:
        request = page_request(first, after, last, before)
        query = (filter or AuditLogFilter()).to_query()
        repository = info.context.get(AuditRepository)
        return await top_level_connection(
            repository, query, [("at", -1)], request, AuditEntry.from_document
        )
