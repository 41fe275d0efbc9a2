"""The erasers of the domains this package knows (registered at import, in this order).

Each is idempotent: its filter or its update finds nothing left to change on a re-run. Updates
are one ``update_many`` per place (or per 200 IDs), so a customer with thousands of orders or
messages costs a handful of commands, not one per document.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bson import ObjectId
from pymongo import UpdateOne

from app.audit.repository import AuditRepository
from app.campaigns.repository import (
    CampaignAssignmentRepository,
    CampaignEventRepository,
    CampaignRepository,
)
from app.core.batches import chunks
from app.core.db import Document, MongoDatabase
from app.imports.files import ImportFiles
from app.jobs.repository import JobRepository
from app.orders.repository import OrderRepository
from app.privacy.copies import (
    BackupsCheck,
    CustomerDataExportEraser,
    DeliveredWebhooksCheck,
    ExportsCheck,
    WebhookEraser,
)
from app.privacy.registry import (
    ERASED_TEXT,
    Expiry,
    Subject,
    register_eraser,
    register_expiry_check,
)
from app.privacy.scrub import pattern_of, scrub
from app.propensity.repository import PropensityModelRepository, PropensityScoreRepository
from app.segmentation.repository import AssignmentRepository, SegmentationRunRepository
from app.tagging.repository import ExampleRepository
from app.tickets.repository import TicketRepository
from app.workflow.repository import RuleRunRepository, TaskRepository

# Documents read per batch when strings must be scrubbed one by one (jobs, campaign events).
SCAN_BATCH = 500
MAX_IMPORT_FILES_READ = 200
# A text not erased yet (None and the replacement are left alone, so a re-run changes nothing).
TEXT = {"$type": "string", "$ne": ERASED_TEXT}


async def _modified(
    db: MongoDatabase, name: str, query: Document, update: Document, **kw: Any
) -> int:
    result = await db[name].update_many(query, update, **kw)
    return result.modified_count


async def _scrub_documents(
    db: MongoDatabase, name: str, documents: list[Document], subject: Subject
) -> int:
    """Write back the documents (whole) whose strings held one of the subject's values."""
    pattern = pattern_of(subject.needles)
    writes = []
    for document in documents:
        cleaned, changed = scrub({k: v for k, v in document.items() if k != "_id"}, pattern)
        if changed:
            writes.append(UpdateOne({"_id": document["_id"]}, {"$set": cleaned}))
    for part in chunks(writes):
        await db[name].bulk_write(list(part), ordered=False)
    return len(writes)


@dataclass(frozen=True)
class OrderEraser:
    """Orders stay (amounts for accounting, under the tombstone); free-text notes go."""

    place: str = "orders"

    async def erase(self, db: MongoDatabase, subject: Subject) -> int:
        return await _modified(
            db,
            OrderRepository.collection_name,
            {"customerId": subject.customer_id, "statusHistory": {"$elemMatch": {"note": TEXT}}},
            {"$set": {"statusHistory.$[h].note": ERASED_TEXT}},
            array_filters=[{"h.note": TEXT}],
        )


def _erased(value: Any) -> Any:
    return ERASED_TEXT if isinstance(value, str) else value


def ticket_changes(ticket: Document, pseudonym: str) -> Document:
    """The ``$set`` that erases a ticket's texts (empty when nothing is left to erase)."""
    changes: Document = {
        field: ERASED_TEXT
        for field in ("subject", "body")
        if isinstance(ticket.get(field), str) and ticket[field] != ERASED_TEXT
    }
    messages = [
        {
            **m,
            "body": _erased(m.get("body")),
            **({"author": pseudonym} if m.get("fromCustomer") else {}),
        }
        for m in ticket.get("messages") or []
    ]
    if messages != (ticket.get("messages") or []):
        changes["messages"] = messages
    satisfaction = ticket.get("satisfaction")
    if isinstance(satisfaction, dict) and _erased(satisfaction.get("comment")) != satisfaction.get(
        "comment"
    ):
        changes["satisfaction.comment"] = ERASED_TEXT
    ratings = [{**r, "comment": _erased(r.get("comment"))} for r in ticket.get("ratings") or []]
    if ratings != (ticket.get("ratings") or []):
        changes["ratings"] = ratings
    return changes


@dataclass(frozen=True)
class TicketEraser:
    """Subject, body, every message and survey comment replaced; the customer's name as the
    author of their messages becomes the pseudonym. One write per ticket, 200 at a time (on
    the embedded store each write re-indexes the ticket's text, so one pass, not five)."""

    place: str = "tickets"

    async def erase(self, db: MongoDatabase, subject: Subject) -> int:
        collection = db[TicketRepository.collection_name]
        fields = {"subject": 1, "body": 1, "messages": 1, "satisfaction": 1, "ratings": 1}
        changed = 0
        for part in chunks(list(subject.ticket_ids)):
            tickets = await collection.find({"_id": {"$in": list(part)}}, fields).to_list()
            writes = [
                UpdateOne({"_id": ticket["_id"]}, {"$set": changes})
                for ticket in tickets
                if (changes := ticket_changes(ticket, subject.pseudonym))
            ]
            if writes:
                await collection.bulk_write(writes, ordered=False)
            changed += len(writes)
        return changed


@dataclass(frozen=True)
class TicketCopiesEraser:
    """Copies of ticket texts: agent-labelled training examples (deleted), what rules wrote
    (emptied), tasks about the customer (titles replaced)."""

    place: str = "ticket copies"

    async def erase(self, db: MongoDatabase, subject: Subject) -> int:
        changed = 0
        for part in chunks(list(subject.ticket_ids)):
            ids = {"$in": list(part)}
            result = await db[ExampleRepository.collection_name].delete_many({"ticketId": ids})
            changed += result.deleted_count
            changed += await _modified(
                db,
                RuleRunRepository.collection_name,
                {"ticketId": ids, "changes": {"$ne": []}},
                {"$set": {"changes": []}},
            )
        changed += await _modified(
            db,
            TaskRepository.collection_name,
            {"customerId": subject.customer_id, "title": {"$ne": ERASED_TEXT}},
            {"$set": {"title": ERASED_TEXT}},
        )
        return changed


async def _ids(db: MongoDatabase, name: str) -> list[ObjectId]:
    return [doc["_id"] async for doc in db[name].find({}, {"_id": 1}, sort=[("_id", 1)])]


@dataclass(frozen=True)
class ProfileEraser:
    """Segment assignments and propensity scores: profiling output, deleted (per run, as
    their indexes lead with the run)."""

    place: str = "segments and scores"

    async def erase(self, db: MongoDatabase, subject: Subject) -> int:
        deleted = 0
        pairs = (
            (SegmentationRunRepository.collection_name, AssignmentRepository.collection_name),
            (PropensityModelRepository.collection_name, PropensityScoreRepository.collection_name),
        )
        for runs, rows in pairs:
            for run_id in await _ids(db, runs):
                query = {"runId": run_id, "customerId": subject.customer_id}
                deleted += (await db[rows].delete_many(query)).deleted_count
        return deleted


@dataclass(frozen=True)
class CampaignEraser:
    """Assignments and events keep IDs, variants, times and revenue; strings naming the
    customer (an event's metadata) are scrubbed."""

    place: str = "campaigns"

    async def erase(self, db: MongoDatabase, subject: Subject) -> int:
        changed = 0
        for campaign_id in await _ids(db, CampaignRepository.collection_name):
            query = {"campaignId": campaign_id, "customerId": subject.customer_id}
            for name in (
                CampaignAssignmentRepository.collection_name,
                CampaignEventRepository.collection_name,
            ):
                documents = await db[name].find(query).to_list()
                changed += await _scrub_documents(db, name, documents, subject)
        return changed


@dataclass(frozen=True)
class AuditEraser:
    """Entries about the customer, their orders and tickets keep who, when and which fields;
    the values go. The customer's own name as the actor (portal writes) is replaced."""

    place: str = "audit_log"

    async def erase(self, db: MongoDatabase, subject: Subject) -> int:
        name = AuditRepository.collection_name
        changed = 0
        for part in chunks(list(subject.global_ids)):
            ids = {"$in": list(part)}
            changed += await _modified(
                db,
                name,
                {"objectId": ids, "valuesErased": {"$ne": True}},
                {"$set": {"changes.$[].old": None, "changes.$[].new": None, "valuesErased": True}},
            )
            changed += await _modified(
                db,
                name,
                {
                    "objectId": ids,
                    "actor.role": "CUSTOMER",
                    "actor.name": {"$ne": subject.pseudonym},
                },
                {"$set": {"actor.name": subject.pseudonym, "actor.id": subject.pseudonym}},
            )
        return changed


@dataclass(frozen=True)
class JobEraser:
    """Job parameters and results (an import's errors quote rows): scrubbed string by string,
    read newest first in batches."""

    place: str = "jobs"

    async def erase(self, db: MongoDatabase, subject: Subject) -> int:
        name = JobRepository.collection_name
        changed = 0
        cursor = db[name].find({}, sort=[("createdAt", -1), ("_id", -1)], batch_size=SCAN_BATCH)
        batch: list[Document] = []
        async for document in cursor:
            batch.append(document)
            if len(batch) >= SCAN_BATCH:
                changed += await _scrub_documents(db, name, batch, subject)
                batch = []
        return changed + await _scrub_documents(db, name, batch, subject)


@dataclass(frozen=True)
class ImportFilesCheck:
    """Uploads waiting for their import job cannot be edited: listed when they mention the
    customer (the job deletes its file when it ends; the sweep after a day at most)."""

    place: str = "imports.files"

    async def check(self, db: MongoDatabase, subject: Subject) -> Expiry | None:
        files = ImportFiles(db)
        pattern = pattern_of(subject.needles)
        if pattern is None:
            return None
        cursor = files.files.find({}, {"_id": 1}, sort=[("uploadDate", 1)])
        ids = [doc["_id"] async for doc in cursor.limit(MAX_IMPORT_FILES_READ)]
        holding = 0
        for file_id in ids:
            text = (await files.get(file_id)).decode("utf-8", errors="replace")
            holding += pattern.search(text) is not None
        if not holding:
            return None
        return Expiry(self.place, holding, "Uploads awaiting import; deleted within 24 hours.")


def register_builtin() -> None:
    """Register the erasers of the domains above (idempotent)."""
    for eraser in (
        OrderEraser(),
        TicketEraser(),
        TicketCopiesEraser(),
        ProfileEraser(),
        CampaignEraser(),
        JobEraser(),
        AuditEraser(),
        WebhookEraser(),
        CustomerDataExportEraser(),
    ):
        register_eraser(eraser)
    for check in (ImportFilesCheck(), DeliveredWebhooksCheck(), ExportsCheck(), BackupsCheck()):
        register_expiry_check(check)


register_builtin()
