"""The ``audit_log`` collection and how a change becomes an entry."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, IndexModel

from app.auth.roles import Principal
from app.core.db import Document
from app.core.repository import Repository

# Fields never copied into the audit trail, whatever the collection.
SECRET_FIELDS = frozenset({"hash", "password", "secret", "previousSecret", "key"})
# Bookkeeping that changes on every write and says nothing about the change.
IGNORED_FIELDS = frozenset({"_id", "updatedAt"})
MAX_VALUE_CHARS = 2000


def _summarize(value: Any) -> Any:
    """Keep values as they are unless they are large (a whole conversation): then a summary."""
    text = json.dumps(value, default=str, ensure_ascii=False)
    if len(text) <= MAX_VALUE_CHARS:
        return value
    if isinstance(value, list):
        return {"summary": f"list of {len(value)} items"}
    return {"summary": f"{type(value).__name__} of {len(text)} characters"}


def changes_between(before: Document | None, after: Document) -> list[Document]:
    """The fields that differ, with old and new values; secrets are named but never copied."""
    before = before or {}
    changes = []
    for field in sorted((set(before) | set(after)) - IGNORED_FIELDS):
        old, new = before.get(field), after.get(field)
        if old == new:
            continue
        if field in SECRET_FIELDS:
            changes.append({"field": field, "old": None, "new": "[redacted]"})
        else:
            changes.append({"field": field, "old": _summarize(old), "new": _summarize(new)})
    return changes


class AuditRepository(Repository):
    collection_name = "audit_log"
    list_order = (("at", -1),)
    indexes = (
        IndexModel([("at", DESCENDING), ("_id", DESCENDING)], name="at_id"),
        IndexModel(
            [("actor.id", ASCENDING), ("at", DESCENDING), ("_id", DESCENDING)], name="actor_at"
        ),
        IndexModel(
            [("objectId", ASCENDING), ("at", DESCENDING), ("_id", DESCENDING)], name="object_at"
        ),
        IndexModel(
            [("mutation", ASCENDING), ("at", DESCENDING), ("_id", DESCENDING)], name="mutation_at"
        ),
    )

    async def record(
        self,
        *,
        actor: Principal,
        mutation: str,
        object_type: str,
        object_id: ObjectId,
        global_id: str,
        before: Document | None,
        after: Document,
        request_id: str,
    ) -> None:
        await self.collection.insert_one(
            {
                "at": datetime.now(UTC),
                "actor": {
                    "kind": actor.kind,
                    "id": actor.id,
                    "name": actor.name,
                    "role": actor.role.value,
                },
                "mutation": mutation,
                "objectType": object_type,
                "objectId": global_id,
                "objectRef": object_id,
                "changes": changes_between(before, after),
                "requestId": request_id,
            }
        )
