"""Audit entries: who changed what, when."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON

from app.core.db import Document
from app.graphql.permissions import Role


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
