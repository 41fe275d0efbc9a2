"""A segment's customers are paged through the run's assignments, a bounded batch of IDs at a
time, with the customer filter applied to each batch."""

from __future__ import annotations

from datetime import UTC, datetime

from bson import ObjectId

from app.core.db import Database
from app.core.paging import PageRequest, encode_cursor
from app.customers.members import MEMBER_ORDER
from app.customers.repository import CustomerRepository
from app.segmentation.repository import AssignmentRepository
from app.segmentation.service import Members, SegmentMembers


async def members_fixture(database: Database) -> tuple[Members, list[ObjectId]]:
    """30 customers, every third archived; 20 of them in segment "a" of one run."""
    now = datetime.now(UTC)
    customers = [
        {
            "_id": ObjectId(),
            "name": f"C{i}",
            "email": f"c{i}@example.com",
            "tags": [],
            "createdAt": now,
            "archivedAt": now if i % 3 == 0 else None,
        }
        for i in range(30)
    ]
    await CustomerRepository(database.db).insert_many(customers)
    run_id = ObjectId()
    rows = [
        {"customerId": c["_id"], "key": "a" if i < 20 else "b", "rfm": None, "explanation": ""}
        for i, c in enumerate(customers)
    ]
    await AssignmentRepository(database.db).insert(run_id, rows)
    active_in_a = sorted(c["_id"] for c in customers[:20] if c["archivedAt"] is None)
    return Members(run_id, ["a"], None), active_in_a


async def test_pages_walk_the_segment_in_id_order_across_batches(database: Database) -> None:
    members, expected = await members_fixture(database)
    service = SegmentMembers(database.db)
    service.batch = 4  # many join batches per page
    query = {"archivedAt": None}
    seen: list[ObjectId] = []
    after = None
    for _ in range(10):
        page = await service.page(members, query, PageRequest(first=5, after=after))
        seen += [doc["_id"] for doc in page.documents]
        if not page.has_next:
            break
        after = encode_cursor(page.documents[-1], MEMBER_ORDER)
    assert seen == expected
    assert await service.count(members, query) == len(expected)
    back = await service.page(
        members,
        query,
        PageRequest(last=3, before=encode_cursor({"_id": expected[5]}, MEMBER_ORDER)),
    )
    assert [doc["_id"] for doc in back.documents] == expected[2:5]
    assert back.has_previous


async def test_assignments_written_twice_are_stored_once(database: Database) -> None:
    store = AssignmentRepository(database.db)
    run_id, customer_id = ObjectId(), ObjectId()
    row = {"customerId": customer_id, "key": "a", "rfm": None, "explanation": ""}
    await store.insert(run_id, [row])
    await store.insert(run_id, [row, {**row, "customerId": ObjectId()}])  # a retried write
    assert await store.count({"runId": run_id}) == 2
