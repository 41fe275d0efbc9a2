"""The tickets collection: a message is one guarded push (never on a closed or full ticket),
customer feedback marks the ticket for tagging, the first staff reply is recorded once, and
backfills walk tickets by _id."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bson import ObjectId

from app.core.db import Database
from app.tickets.models import Channel, TicketDraft, TicketStatus, TicketType
from app.tickets.repository import TicketRepository

NOW = datetime(2026, 3, 1, tzinfo=UTC)


def ticket(number: int, status: TicketStatus = TicketStatus.OPEN) -> dict[str, object]:
    draft = TicketDraft(
        ObjectId(), TicketType.COMPLAINT, Channel.EMAIL, "Late parcel", "Where is it?"
    )
    return draft.to_document(number=f"TK-{number}", status=status, now=NOW)


def message(author: str) -> dict[str, object]:
    return {"author": author, "body": "hello", "internal": False, "at": NOW}


async def test_messages_are_pushed_only_onto_open_tickets_with_room(database: Database) -> None:
    repository = TicketRepository(database.db)
    open_ticket = await repository.insert(ticket(1))
    closed = await repository.insert(ticket(2, TicketStatus.CLOSED))
    await repository.collection.update_one(
        {"_id": open_ticket["_id"]}, {"$set": {"tagPending": False}}
    )
    staff = await repository.append_message(
        open_ticket["_id"], message("agent"), NOW, 2, feedback=False, stamps={}, counts={}
    )
    assert staff is not None
    assert staff["tagPending"] is False
    feedback = await repository.append_message(
        open_ticket["_id"], message("ada"), NOW, 2, feedback=True, stamps={}, counts={}
    )
    assert feedback is not None
    assert feedback["tagPending"] is True
    assert feedback["textRevision"] == staff.get("textRevision", 0) + 1
    assert (
        await repository.append_message(
            open_ticket["_id"], message("x"), NOW, 2, feedback=False, stamps={}, counts={}
        )
        is None
    )
    assert (
        await repository.append_message(
            closed["_id"], message("x"), NOW, 2, feedback=False, stamps={}, counts={}
        )
        is None
    )
    stored = await repository.get(open_ticket["_id"])
    assert [m["author"] for m in stored["messages"]] == ["agent", "ada"]


async def test_the_first_response_is_recorded_once(database: Database) -> None:
    repository = TicketRepository(database.db)
    created = await repository.insert(ticket(3))
    first = await repository.first_response(created["_id"], NOW, {})
    assert first is not None
    assert first["firstResponseAt"] == NOW
    assert await repository.first_response(created["_id"], NOW + timedelta(hours=1), {}) is None


async def test_batches_walk_the_matching_tickets_by_id(database: Database) -> None:
    repository = TicketRepository(database.db)
    await repository.insert_many([{**ticket(n), "_id": ObjectId()} for n in range(7)])
    await repository.insert(ticket(99, TicketStatus.CLOSED))
    query = {"status": TicketStatus.OPEN.value}
    seen, after = [], None
    while batch := await repository.batch_after(query, after, 3):
        seen += [doc["_id"] for doc in batch]
        after = batch[-1]["_id"]
    assert len(seen) == 7
    assert seen == sorted(seen)
