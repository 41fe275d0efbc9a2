"""Segmentation runs and assignments: writes fenced by the attempt, readers see only complete
runs, repeated batches are harmless, pruning goes in bounded steps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bson import ObjectId

from app.core.db import Database
from app.segmentation.repository import AssignmentRepository, SegmentationRunRepository

NOW = datetime(2026, 6, 1, tzinfo=UTC)


async def test_only_the_attempt_writing_a_run_completes_it(database: Database) -> None:
    runs = SegmentationRunRepository(database.db)
    run_id = ObjectId()
    assert await runs.start(run_id, {"createdAt": NOW, "k": 3}, attempt="w1:1")
    assert await runs.start(run_id, {"createdAt": NOW, "k": 4}, attempt="w2:2")  # a retry resets
    assert not await runs.complete(run_id, {"silhouette": 0.4}, attempt="w1:1")  # lost its lease
    assert await runs.complete(run_id, {"silhouette": 0.5}, attempt="w2:2")
    # A late attempt can neither reset nor complete a finished run.
    assert not await runs.start(run_id, {"createdAt": NOW, "k": 5}, attempt="w1:1")
    assert not await runs.complete(run_id, {"silhouette": 0.1}, attempt="w2:2")
    stored = await runs.get(run_id)
    assert stored is not None
    assert (stored["status"], stored["k"], stored["silhouette"]) == ("COMPLETE", 4, 0.5)


async def test_readers_see_complete_runs_and_old_ones_are_pruned(database: Database) -> None:
    runs = SegmentationRunRepository(database.db)
    complete = []
    for day in range(3):
        run_id = ObjectId()
        await runs.start(run_id, {"createdAt": NOW + timedelta(days=day)}, attempt="a")
        await runs.complete(run_id, {}, attempt="a")
        complete.append(run_id)
    building = ObjectId()
    await runs.start(building, {"createdAt": NOW + timedelta(days=9)}, attempt="b")
    latest = await runs.latest()
    assert latest is not None
    assert latest["_id"] == complete[-1]  # the newer run is still building
    old = await runs.complete_beyond(keep=1)
    assert old == [complete[1], complete[0]]
    await runs.mark_pruning(old)
    assert set(await runs.unfinished()) == {building, *old}
    assert await runs.complete_beyond(keep=1) == []
    latest = await runs.latest()
    assert latest is not None
    assert latest["_id"] == complete[-1]


async def test_a_repeated_batch_of_assignments_changes_nothing(database: Database) -> None:
    assignments = AssignmentRepository(database.db)
    run_id, customers = ObjectId(), [ObjectId() for _ in range(5)]
    rows = [{"customerId": c, "key": "s1", "rfm": {"group": "Champions"}} for c in customers]
    await assignments.insert(run_id, rows)
    await assignments.insert(run_id, [{**rows[0], "key": "s2"}, *rows[1:]])  # a retried write
    found = await assignments.for_customers(run_id, [customers[0], ObjectId()])
    assert list(found) == [customers[0]]
    assert found[customers[0]]["key"] == "s1"  # the first write stands
    assert await assignments.collection.count_documents({"runId": run_id}) == 5
    assert await assignments.delete_some(run_id, limit=3) == 3
    assert await assignments.delete_some(run_id, limit=3) == 2
    assert await assignments.delete_some(run_id, limit=3) == 0
