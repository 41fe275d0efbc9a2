"""What the CRM holds about one customer, place by place: the sections of a privacy export
(GDPR Art. 15). The places are those the erasers edit (``app.privacy``'s docstring lists
them); each section reads its documents with a query its collection's indexes serve.

A section yields documents as stored (IDs, times and amounts in minor units as they are);
derived sections (survey answers, segment labels) add what a reader needs to understand them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from bson import ObjectId

from app.audit.repository import AuditRepository
from app.campaigns.repository import (
    CampaignAssignmentRepository,
    CampaignEventRepository,
    CampaignRepository,
)
from app.core.batches import chunks
from app.core.db import Document, MongoDatabase
from app.customers.repository import CustomerRepository
from app.jobs.repository import JobRepository
from app.orders.repository import OrderRepository
from app.privacy.registry import Subject
from app.privacy.scrub import pattern_of, scrub
from app.propensity.repository import PropensityModelRepository, PropensityScoreRepository
from app.segmentation.repository import AssignmentRepository, SegmentationRunRepository
from app.tagging.repository import ExampleRepository
from app.tickets.repository import TicketRepository
from app.webhooks.repository import WebhookDeliveryRepository
from app.workflow.repository import RuleRunRepository, TaskRepository

SCAN_BATCH = 500

type Reader = Callable[[MongoDatabase, Subject], AsyncIterator[Document]]


@dataclass(frozen=True)
class Section:
    """``name``: the key in the exported document; ``collection``: where its documents are
    (None for a section derived from another)."""

    name: str
    collection: str | None
    read: Reader


def _mine(subject: Subject) -> Document:
    return {"customerId": subject.customer_id}


async def _customer(db: MongoDatabase, subject: Subject) -> AsyncIterator[Document]:
    found = await db[CustomerRepository.collection_name].find_one({"_id": subject.customer_id})
    if found is not None:
        yield found


async def _orders(db: MongoDatabase, subject: Subject) -> AsyncIterator[Document]:
    cursor = db[OrderRepository.collection_name].find(_mine(subject), sort=[("placedAt", -1)])
    async for order in cursor:
        yield order


async def _tickets(db: MongoDatabase, subject: Subject) -> AsyncIterator[Document]:
    cursor = db[TicketRepository.collection_name].find(_mine(subject), sort=[("createdAt", -1)])
    async for ticket in cursor:
        yield ticket


async def _survey_answers(db: MongoDatabase, subject: Subject) -> AsyncIterator[Document]:
    """Every survey answer on their tickets (also inside the tickets), with its ticket."""
    cursor = db[TicketRepository.collection_name].find(
        _mine(subject), {"number": 1, "ratings": 1}, sort=[("createdAt", -1)]
    )
    async for ticket in cursor:
        for answer in ticket.get("ratings") or []:
            yield {"ticketId": ticket["_id"], "ticketNumber": ticket.get("number"), **answer}


async def _run_ids(db: MongoDatabase, collection: str) -> list[ObjectId]:
    cursor = db[collection].find({}, {"_id": 1}, sort=[("_id", -1)])
    return [doc["_id"] async for doc in cursor]


async def _segments(db: MongoDatabase, subject: Subject) -> AsyncIterator[Document]:
    """Their assignment in each kept segmentation run, newest first, with the run's time and
    the segment's label."""
    runs = db[SegmentationRunRepository.collection_name]
    rows = db[AssignmentRepository.collection_name]
    for run_id in await _run_ids(db, SegmentationRunRepository.collection_name):
        found = await rows.find_one({"runId": run_id, "customerId": subject.customer_id})
        if found is None:
            continue
        run = await runs.find_one({"_id": run_id}, {"createdAt": 1, "segments": 1}) or {}
        labels = {s.get("key"): s.get("label") for s in run.get("segments") or []}
        yield {**found, "runAt": run.get("createdAt"), "label": labels.get(found.get("key"))}


async def _scores(db: MongoDatabase, subject: Subject) -> AsyncIterator[Document]:
    rows = db[PropensityScoreRepository.collection_name]
    for run_id in await _run_ids(db, PropensityModelRepository.collection_name):
        found = await rows.find_one({"runId": run_id, "customerId": subject.customer_id})
        if found is not None:
            yield found


def _per_campaign(collection: str) -> Reader:
    async def read(db: MongoDatabase, subject: Subject) -> AsyncIterator[Document]:
        for campaign_id in await _run_ids(db, CampaignRepository.collection_name):
            query = {"campaignId": campaign_id, "customerId": subject.customer_id}
            async for document in db[collection].find(query):
                yield document

    return read


async def _tasks(db: MongoDatabase, subject: Subject) -> AsyncIterator[Document]:
    cursor = db[TaskRepository.collection_name].find(_mine(subject), sort=[("dueAt", 1)])
    async for task in cursor:
        yield task


def _per_ticket(collection: str) -> Reader:
    async def read(db: MongoDatabase, subject: Subject) -> AsyncIterator[Document]:
        for part in chunks(list(subject.ticket_ids)):
            async for document in db[collection].find({"ticketId": {"$in": list(part)}}):
                yield document

    return read


async def _audit(db: MongoDatabase, subject: Subject) -> AsyncIterator[Document]:
    """Entries about the customer, their orders and their tickets, newest first per batch."""
    collection = db[AuditRepository.collection_name]
    for part in chunks(list(subject.global_ids)):
        query = {"objectId": {"$in": list(part)}}
        async for entry in collection.find(query, sort=[("at", -1), ("_id", -1)]):
            yield entry


async def _webhooks(db: MongoDatabase, subject: Subject) -> AsyncIterator[Document]:
    """Events about them sent (or to be sent) to webhook endpoints: where, what, when."""
    fields = {"body": 0, "leaseToken": 0}
    cursor = db[WebhookDeliveryRepository.collection_name].find(_mine(subject), fields)
    async for delivery in cursor:
        yield delivery


async def _jobs(db: MongoDatabase, subject: Subject) -> AsyncIterator[Document]:
    """Job records whose parameters or results quote their name, email or phone (an import's
    errors quote rows): read newest first in batches, as the eraser reads them."""
    pattern = pattern_of(subject.needles)
    if pattern is None:
        return
    cursor = db[JobRepository.collection_name].find(
        {}, sort=[("createdAt", -1), ("_id", -1)], batch_size=SCAN_BATCH
    )
    async for job in cursor:
        if scrub(job, pattern)[1]:
            yield job


SECTIONS: tuple[Section, ...] = (
    Section("customer", CustomerRepository.collection_name, _customer),
    Section("orders", OrderRepository.collection_name, _orders),
    Section("tickets", TicketRepository.collection_name, _tickets),
    Section("surveyAnswers", None, _survey_answers),
    Section("segments", AssignmentRepository.collection_name, _segments),
    Section("propensityScores", PropensityScoreRepository.collection_name, _scores),
    Section(
        "campaignAssignments",
        CampaignAssignmentRepository.collection_name,
        _per_campaign(CampaignAssignmentRepository.collection_name),
    ),
    Section(
        "campaignEvents",
        CampaignEventRepository.collection_name,
        _per_campaign(CampaignEventRepository.collection_name),
    ),
    Section("tasks", TaskRepository.collection_name, _tasks),
    Section(
        "ruleRuns",
        RuleRunRepository.collection_name,
        _per_ticket(RuleRunRepository.collection_name),
    ),
    Section(
        "trainingExamples",
        ExampleRepository.collection_name,
        _per_ticket(ExampleRepository.collection_name),
    ),
    Section("auditEntries", AuditRepository.collection_name, _audit),
    Section("webhookDeliveries", WebhookDeliveryRepository.collection_name, _webhooks),
    Section("jobs", JobRepository.collection_name, _jobs),
)
