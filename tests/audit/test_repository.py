"""The audit log: an entry names only what changed, never copies a secret, and summarises
values too large to keep."""

from __future__ import annotations

from bson import ObjectId

from app.audit.repository import MAX_VALUE_CHARS, AuditRepository, changes_between
from app.auth.roles import Principal, Role
from app.core.db import Database

ADMIN = Principal(kind="api_key", id="crm_1a2b3c4d", name="ops", role=Role.ADMIN)


def test_only_changed_fields_are_listed_and_secrets_are_redacted() -> None:
    before = {"_id": 1, "name": "Ada", "tags": ["a"], "updatedAt": 1, "hash": "old"}
    after = {"_id": 1, "name": "Ada", "tags": ["a", "b"], "updatedAt": 2, "hash": "new", "x": 0}
    assert changes_between(before, after) == [
        {"field": "hash", "old": None, "new": "[redacted]"},
        {"field": "tags", "old": ["a"], "new": ["a", "b"]},
        {"field": "x", "old": None, "new": 0},
    ]
    created = changes_between(None, {"name": "Ada", "key": "crm_secret"})
    assert created == [
        {"field": "key", "old": None, "new": "[redacted]"},
        {"field": "name", "old": None, "new": "Ada"},
    ]


def test_large_values_are_summarised() -> None:
    messages = [{"body": "x" * 100} for _ in range(MAX_VALUE_CHARS // 50)]
    [change] = changes_between({"messages": []}, {"messages": messages})
    assert change["old"] == []
    assert change["new"] == {"summary": f"list of {len(messages)} items"}
    [text] = changes_between({}, {"note": "y" * (MAX_VALUE_CHARS + 1)})
    assert text["new"] == {"summary": f"str of {MAX_VALUE_CHARS + 3} characters"}


async def test_an_entry_records_who_what_and_the_request(database: Database) -> None:
    audit = AuditRepository(database.db)
    object_id = ObjectId()
    await audit.record(
        actor=ADMIN,
        mutation="updateCustomer",
        object_type="Customer",
        object_id=object_id,
        global_id="Q3VzdG9tZXI6",
        before={"name": "Ada"},
        after={"name": "Ada L."},
        request_id="req-1",
    )
    entry = await audit.collection.find_one({"objectId": "Q3VzdG9tZXI6"})
    assert entry is not None
    assert entry["actor"] == {
        "kind": "api_key",
        "id": "crm_1a2b3c4d",
        "name": "ops",
        "role": "ADMIN",
    }
    assert (entry["mutation"], entry["objectId"], entry["requestId"]) == (
        "updateCustomer",
        "Q3VzdG9tZXI6",
        "req-1",
    )
    assert entry["objectRef"] == object_id
    assert entry["changes"] == [{"field": "name", "old": "Ada", "new": "Ada L."}]
