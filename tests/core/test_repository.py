"""The repository base, on the customers collection: bulk writes keyed by a unique field, and
keyset pages that walk both ways over ties without skipping or repeating a document."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bson import ObjectId

from app.core.db import Database
from app.core.paging import PageRequest, encode_cursor
from app.customers.repository import CustomerRepository

START = datetime(2026, 1, 1, tzinfo=UTC)


def customer(email: str, minute: int) -> dict[str, object]:
    return {"_id": ObjectId(), "email": email, "createdAt": START + timedelta(minutes=minute)}


async def test_upsert_by_inserts_new_keys_updates_known_ones_and_repeats_nothing(
    database: Database,
) -> None:
    repository = CustomerRepository(database.db)
    rows = [
        ("a@example.com", {"name": "A"}, {"createdAt": START}),
        ("b@example.com", {"name": "B"}, {"createdAt": START}),
        ("a@example.com", {"name": "A, renamed"}, {"createdAt": START}),  # the last row wins
    ]
    assert await repository.upsert_by("email", rows) == (2, 0)
    assert await repository.upsert_by("email", rows) == (0, 2)
    third = ("c@example.com", {"name": "C"}, {"createdAt": START})
    assert await repository.upsert_by("email", [rows[1], third]) == (1, 1)
    names = {doc["email"]: doc["name"] async for doc in repository.collection.find({})}
    assert names == {"a@example.com": "A, renamed", "b@example.com": "B", "c@example.com": "C"}


async def test_keyset_pages_cover_every_document_once_in_both_directions(
    database: Database,
) -> None:
    repository = CustomerRepository(database.db)
    # Ties on the sort key: three customers per minute.
    await repository.insert_many([customer(f"c{n}@example.com", n // 3) for n in range(10)])
    sort = (("createdAt", -1),)
    seen: list[object] = []
    request = PageRequest(first=4)
    while True:
        page = await repository.page({}, sort, request)
        seen += [doc["email"] for doc in page.documents]
        if not page.has_next:
            break
        request = PageRequest(first=4, after=encode_cursor(page.documents[-1], page.sort))
    assert len(seen) == len(set(seen)) == 10
    newest_first = [
        doc["email"]
        async for doc in repository.collection.find({}, sort=[("createdAt", -1), ("_id", -1)])
    ]
    assert seen == newest_first

    back: list[object] = []
    request = PageRequest(last=3)
    while True:
        page = await repository.page({}, sort, request)
        back = [doc["email"] for doc in page.documents] + back
        if not page.has_previous:
            break
        request = PageRequest(last=3, before=encode_cursor(page.documents[0], page.sort))
    assert back == newest_first


async def test_get_many_keeps_the_order_asked_and_marks_the_missing(database: Database) -> None:
    repository = CustomerRepository(database.db)
    documents = [customer(f"g{n}@example.com", n) for n in range(3)]
    await repository.insert_many(documents)
    missing = ObjectId()
    ids = [documents[2]["_id"], missing, documents[0]["_id"]]
    found = await repository.get_many(ids)
    assert [doc and doc["email"] for doc in found] == ["g2@example.com", None, "g0@example.com"]
