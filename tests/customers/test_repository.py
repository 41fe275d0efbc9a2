"""The customers collection: one customer per email, guarded updates, batches by IDs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from bson import ObjectId
from pymongo.errors import DuplicateKeyError

from app.core.db import Database
from app.customers.models import new_customer
from app.customers.repository import CustomerRepository

NOW = datetime(2026, 5, 1, tzinfo=UTC)


def person(name: str, days: int = 0, **fields: object) -> dict[str, object]:
    created = NOW + timedelta(days=days)
    return new_customer({"name": name, "email": f"{name.lower()}@example.com", **fields}, created)


async def test_an_email_belongs_to_one_customer(database: Database) -> None:
    customers = CustomerRepository(database.db)
    assert await customers.is_empty()
    ada = await customers.insert(person("Ada"))
    assert not await customers.is_empty()
    with pytest.raises(DuplicateKeyError):
        await customers.insert(person("Ada"))
    assert (await customers.by_email("ada@example.com"))["_id"] == ada["_id"]  # type: ignore[index]
    assert await customers.by_email("nobody@example.com") is None
    found = await customers.ids_by_emails(["ada@example.com", "nobody@example.com"])
    assert found == {"ada@example.com": ada["_id"]}


async def test_an_update_applies_only_where_its_guard_holds(database: Database) -> None:
    customers = CustomerRepository(database.db)
    ada = await customers.insert(person("Ada"))
    refused = await customers.update(ada["_id"], {"name": "X"}, guard={"archivedAt": {"$ne": None}})
    assert refused is None
    stored = await customers.get(ada["_id"])
    assert stored is not None
    assert stored["name"] == "Ada"
    changed = await customers.update(ada["_id"], {"name": "Ada L."}, guard={"archivedAt": None})
    assert changed is not None
    assert changed["name"] == "Ada L."
    assert await customers.update(ObjectId(), {"name": "ghost"}) is None


async def test_batches_match_both_the_query_and_the_ids(database: Database) -> None:
    customers = CustomerRepository(database.db)
    ada = await customers.insert(person("Ada", tags=["vip"]))
    grace = await customers.insert(person("Grace", days=3, tags=["vip"]))
    await customers.insert(person("Linus", days=1, tags=["vip"]))
    matched = await customers.matching_ids({"tags": "vip"}, [ada["_id"], grace["_id"]])
    assert {doc["name"] for doc in matched} == {"Ada", "Grace"}
    # Everyone who existed at a moment, archived or not, and no one created later.
    await customers.update(ada["_id"], {"archivedAt": NOW})
    existing = await customers.ids_created_before(NOW + timedelta(days=1))
    assert set(existing) == {ada["_id"], (await customers.by_email("linus@example.com"))["_id"]}  # type: ignore[index]
