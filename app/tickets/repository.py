"""The ``tickets`` collection."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, TEXT, IndexModel, ReturnDocument, UpdateOne

from app.core.db import Document
from app.core.repository import Repository

SORT_FIELDS = ("createdAt", "updatedAt", "priorityRank")
TEXT_FIELDS = {
    "subject": 1,
    "body": 1,
    "messages": 1,
    "tags": 1,
    "textRevision": 1,
    "tagsReviewed": 1,
}
UNITS = {"DAY": "day", "WEEK": "week", "MONTH": "month"}
TEXT_LANGUAGE = "textLanguage"  # never set: see the text index
WORKFLOW_TIMES = (
    "updatedAt", "statusChangedAt", "lastCustomerMessageAt", "lastAgentReplyAt", "taskDueAt",
    "sla.dueAt",
)  # fmt: skip


class TicketRepository(Repository):
    collection_name = "tickets"
    indexes = (
        IndexModel([("number", ASCENDING)], unique=True, name="number_unique"),
        # MongoDB reads a document's "language" field (default language_override) as the
        # text-index language and refuses values it does not know ("zh", "und", null: errors
        # 17261/17262). Tickets' "language" is ours (en/zh/und), so the override points at a
        # field never written: every ticket is indexed as "none", like the unstemmed queries.
        IndexModel(
            [("subject", TEXT), ("body", TEXT)],
            name="ticket_text",
            default_language="none",
            language_override=TEXT_LANGUAGE,
        ),
        # A customer's tickets, newest first.
        IndexModel(
            [("customerId", ASCENDING), ("createdAt", DESCENDING), ("_id", DESCENDING)],
            name="customer_createdAt",
        ),
        *(
            IndexModel([(field, DESCENDING), ("_id", DESCENDING)], name=f"{field}_id")
            for field in SORT_FIELDS
        ),
        IndexModel([("status", ASCENDING), ("createdAt", DESCENDING)], name="status_createdAt"),
        IndexModel([("type", ASCENDING), ("createdAt", DESCENDING)], name="type_createdAt"),
        IndexModel([("tags.name", ASCENDING), ("createdAt", DESCENDING)], name="tag_createdAt"),
        IndexModel(
            [("sentiment.label", ASCENDING), ("createdAt", DESCENDING)],
            name="sentiment_createdAt",
        ),
        IndexModel([("language", ASCENDING), ("createdAt", DESCENDING)], name="language_createdAt"),
        # Tickets waiting for the automatic tagger; the partial index holds only those.
        IndexModel(
            [("tagPending", ASCENDING), ("_id", ASCENDING)],
            name="tag_pending",
            partialFilterExpression={"tagPending": True},
        ),
        # Backfill of tickets never tagged, in _id batches.
        IndexModel([("taggedAt", ASCENDING), ("_id", ASCENDING)], name="taggedAt_id"),
        IndexModel([("orderId", ASCENDING)], name="order", sparse=True),
        # The workflow: lists by team and assignee, the scheduled rules' time conditions
        # ("N hours since ..."), SLA breaches and due dates, the team queues, re-arming.
        IndexModel([("teamId", ASCENDING), ("createdAt", DESCENDING)], name="team_createdAt"),
        IndexModel(
            [("assigneeId", ASCENDING), ("createdAt", DESCENDING)], name="assignee_createdAt"
        ),
        *(
            IndexModel(
                [("status", ASCENDING), (field, ASCENDING)],
                name="status_" + field.replace(".", "_"),
            )
            for field in WORKFLOW_TIMES
        ),
        IndexModel([("sla.status", ASCENDING), ("sla.dueAt", ASCENDING)], name="sla_status_due"),
        IndexModel([("sla.dueAt", ASCENDING)], name="sla_due"),
        IndexModel(
            [("teamId", ASCENDING), ("queuedAt", ASCENDING)],
            name="team_queue",
            partialFilterExpression={"queuedAt": {"$type": "date"}},
        ),
        IndexModel([("scheduledRules", ASCENDING), ("_id", ASCENDING)], name="scheduledRules"),
        # Reports (app.reporting): solve metrics by the latest solve, first replies by theirs.
        IndexModel([("metrics.solvedAt", ASCENDING)], name="metrics_solvedAt"),
        IndexModel([("metrics.firstReplyAt", ASCENDING)], name="metrics_firstReplyAt"),
    )

    async def insert(self, document: Document) -> Document:
        result = await self.collection.insert_one(document)
        return {**document, "_id": result.inserted_id}

    async def commit(
        self,
        ticket: Document,
        update: dict[str, Any],
        *,
        max_messages: int,
        guard: dict[str, Any] | None = None,
    ) -> Document | None:
        """Apply ``update`` (operators) if the ticket is still as read (its ``updatedAt``,
        and ``guard``) and, when it pushes messages, still has room for them."""
        query: dict[str, Any] = {
            "_id": ticket["_id"],
            "updatedAt": ticket["updatedAt"],
            **(guard or {}),
        }
        if "$push" in update:
            query[f"messages.{max_messages - 1}"] = {"$exists": False}
        return await self.collection.find_one_and_update(
            query, update, return_document=ReturnDocument.AFTER
        )

    async def scheduled_candidates(
        self, query: dict[str, Any], rule_id: ObjectId, after: ObjectId | None, limit: int
    ) -> list[Document]:
        """The next ``limit`` tickets (by ``_id``) ``query`` selects that the scheduled rule
        has not fired on."""
        query = {**query, "scheduledRules": {"$ne": rule_id}}
        if after is not None:
            query["_id"] = {"$gt": after}
        cursor = self.collection.find(query).sort("_id", ASCENDING).limit(limit)
        return await cursor.to_list()

    async def fired_on(
        self, rule_id: ObjectId, after: ObjectId | None, limit: int
    ) -> list[Document]:
        """Tickets the scheduled rule fired on (and that may be re-armed), in ``_id`` order."""
        query: dict[str, Any] = {"scheduledRules": rule_id}
        if after is not None:
            query["_id"] = {"$gt": after}
        cursor = self.collection.find(query).sort([("scheduledRules", 1), ("_id", 1)])
        return await cursor.limit(limit).to_list()

    async def rearm(self, ticket_ids: list[ObjectId], rule_id: ObjectId) -> None:
        if ticket_ids:
            await self.collection.update_many(
                {"_id": {"$in": ticket_ids}}, {"$pull": {"scheduledRules": rule_id}}
            )

    async def sla_overdue(self, now: datetime, limit: int) -> list[Document]:
        cursor = self.collection.find({"sla.status": "ACTIVE", "sla.dueAt": {"$lt": now}})
        return await cursor.sort([("sla.status", 1), ("sla.dueAt", 1)]).limit(limit).to_list()

    async def queued(self, team_id: ObjectId, limit: int) -> list[Document]:
        """The team's unassigned tickets waiting for an agent, oldest first."""
        cursor = self.collection.find({"teamId": team_id, "queuedAt": {"$type": "date"}})
        return await cursor.sort([("teamId", 1), ("queuedAt", 1)]).limit(limit).to_list()

    async def in_status(self, status: str, limit: int) -> list[Document]:
        """Tickets in ``status``, oldest first."""
        cursor = self.collection.find({"status": status}).sort("createdAt", 1)
        return await cursor.limit(limit).to_list()

    async def by_number(self, number: str) -> Document | None:
        return await self.collection.find_one({"number": number})

    async def update(
        self, ticket_id: ObjectId, guard: dict[str, Any], changes: dict[str, Any]
    ) -> Document | None:
        """Apply changes if the ticket still matches ``guard`` (optimistic concurrency)."""
        return await self.collection.find_one_and_update(
            {"_id": ticket_id, **guard}, {"$set": changes}, return_document=ReturnDocument.AFTER
        )

    async def append_message(
        self,
        ticket_id: ObjectId,
        message: Document,
        now: datetime,
        max_messages: int,
        *,
        feedback: bool,
        stamps: dict[str, Any],
        counts: dict[str, int],
    ) -> Document | None:
        """Push a message onto an open ticket holding fewer than ``max_messages`` (setting
        ``stamps`` and adding ``counts`` too); a customer's feedback also marks the ticket for
        tagging. None if the ticket refuses it."""
        changes: dict[str, Any] = {"updatedAt": now, **stamps}
        update: dict[str, Any] = {"$push": {"messages": message}, "$set": changes}
        increments = dict(counts)
        if feedback:
            changes["tagPending"] = True
            increments["textRevision"] = 1
        if increments:
            update["$inc"] = increments
        return await self.collection.find_one_and_update(
            {
                "_id": ticket_id,
                "status": {"$ne": "CLOSED"},
                f"messages.{max_messages - 1}": {"$exists": False},
            },
            update,
            return_document=ReturnDocument.AFTER,
        )

    async def add_article_feedback(
        self, ticket_id: ObjectId, entry: Document, *, deflected: bool
    ) -> Document | None:
        """Record a reader's word on an article, once per article and ticket (None if it is
        recorded already); ``deflected``: the automatic answer resolved the consultation."""
        update: dict[str, Any] = {"$push": {"articleFeedback": entry}}
        if deflected:
            update["$set"] = {"autoAnswer.deflected": True}
        return await self.collection.find_one_and_update(
            {"_id": ticket_id, "articleFeedback.articleId": {"$ne": entry["articleId"]}},
            update,
            return_document=ReturnDocument.AFTER,
        )

    async def first_response(
        self, ticket_id: ObjectId, now: datetime, recorded: dict[str, Any]
    ) -> Document | None:
        """Record the first staff reply (with its ``recorded`` metrics), unless one was
        recorded already."""
        return await self.collection.find_one_and_update(
            {"_id": ticket_id, "firstResponseAt": None},
            {"$set": {"firstResponseAt": now, **recorded}},
            return_document=ReturnDocument.AFTER,
        )

    async def rate(
        self, ticket_id: ObjectId, opened_at: datetime, rating: Document, now: datetime
    ) -> Document | None:
        """Answer the ticket's survey opened at ``opened_at`` if it is still open: one
        conditional update, so of two answers at once only one is written. The rating becomes
        ``satisfaction`` and joins ``ratings`` (every resolution's)."""
        return await self.collection.find_one_and_update(
            {"_id": ticket_id, "survey.open": True, "survey.openedAt": opened_at},
            {
                "$set": {"survey.open": False, "survey.answeredAt": now, "satisfaction": rating},
                "$push": {"ratings": rating},
            },
            return_document=ReturnDocument.AFTER,
        )

    async def set_many(self, rows: list[tuple[ObjectId, Document]]) -> None:
        """Set fields on many tickets, ``(ticket ID, fields)`` each (the demo's history)."""
        for start in range(0, len(rows), 500):
            part = rows[start : start + 500]
            await self.collection.bulk_write([UpdateOne({"_id": i}, {"$set": f}) for i, f in part])

    async def pending_tagging(self, limit: int) -> list[Document]:
        """Tickets whose text changed since they were last tagged, oldest first."""
        fields = {**TEXT_FIELDS, "language": 1, "sentiment": 1}
        cursor = self.collection.find({"tagPending": True}, fields).sort("_id", ASCENDING)
        return await cursor.limit(limit).to_list()

    async def batch_after(
        self, query: dict[str, Any], after: ObjectId | None, limit: int
    ) -> list[Document]:
        """The next ``limit`` tickets matching ``query`` by ``_id`` (backfills walk this way)."""
        if after is not None:
            query = {"$and": [query, {"_id": {"$gt": after}}]} if query else {"_id": {"$gt": after}}
        cursor = self.collection.find(query, TEXT_FIELDS).sort("_id", ASCENDING).limit(limit)
        return await cursor.to_list()

    async def apply_tagging(self, results: list[tuple[Document, dict[str, Any]]]) -> int:
        """Write tagging results (ticket as read, changes) in one bulk write; returns how many
        were written. A ticket whose text or agent review changed meanwhile is skipped and
        stays pending, to be tagged again from its new state."""
        if not results:
            return 0
        outcome = await self.collection.bulk_write(
            [
                UpdateOne(
                    {
                        "_id": ticket["_id"],
                        "textRevision": ticket.get("textRevision"),
                        "tagsReviewed": ticket.get("tagsReviewed"),
                    },
                    {"$set": {**changes, "tagPending": False}},
                )
                for ticket, changes in results
            ],
            ordered=False,
        )
        return outcome.matched_count

    async def set_aside(self, ticket: Document, error: str, now: datetime) -> None:
        """A ticket the tagger cannot read: no longer pending, with the reason (unless its text
        changed meanwhile: then it is tried again)."""
        await self.collection.update_one(
            {"_id": ticket["_id"], "textRevision": ticket.get("textRevision")},
            {"$set": {"tagPending": False, "tagError": {"message": error, "at": now}}},
        )

    async def set_agent_tags(
        self, ticket_id: ObjectId, tags: list[Document], now: datetime
    ) -> Document | None:
        return await self.collection.find_one_and_update(
            {"_id": ticket_id},
            {"$set": {"tags": tags, "tagsReviewed": True, "updatedAt": now}},
            return_document=ReturnDocument.AFTER,
        )

    async def customer_histories(self, as_of: datetime) -> list[Document]:
        """Per customer: the times of their tickets up to ``as_of``, whether each was a
        complaint, and its sentiment score (null where untagged)."""
        pipeline: list[dict[str, Any]] = [
            {"$match": {"createdAt": {"$lte": as_of}}},
            {
                "$group": {
                    "_id": "$customerId",
                    "at": {"$push": "$createdAt"},
                    "complaint": {"$push": {"$eq": ["$type", "COMPLAINT"]}},
                    "sentiment": {"$push": {"$ifNull": ["$sentiment.score", None]}},
                }
            },
        ]
        return await (await self.collection.aggregate(pipeline)).to_list()

    async def feedback_periods(
        self, query: dict[str, Any], interval: str, start: datetime, end: datetime
    ) -> tuple[list[Document], list[Document]]:
        """Per period: ticket counts by sentiment and the average score; and per period and
        tag: counts, negative counts and the average score. Periods start on UTC midnight,
        weeks on Monday."""
        match = {"$and": [query, {"createdAt": {"$gte": start, "$lt": end}}]}
        period = {
            "$dateTrunc": {"date": "$createdAt", "unit": UNITS[interval], "startOfWeek": "monday"}
        }

        def count_if(label: str) -> dict[str, Any]:
            return {"$sum": {"$cond": [{"$eq": ["$sentiment.label", label]}, 1, 0]}}

        totals = await self.collection.aggregate(
            [
                {"$match": match},
                {
                    "$group": {
                        "_id": period,
                        "tickets": {"$sum": 1},
                        "negative": count_if("NEGATIVE"),
                        "neutral": count_if("NEUTRAL"),
                        "positive": count_if("POSITIVE"),
                        "averageScore": {"$avg": "$sentiment.score"},
                    }
                },
                {"$sort": {"_id": 1}},
            ]
        )
        by_tag = await self.collection.aggregate(
            [
                {"$match": match},
                {"$unwind": "$tags"},
                {
                    "$group": {
                        # A free-form tag from before tagging is a plain string.
                        "_id": {"period": period, "tag": {"$ifNull": ["$tags.name", "$tags"]}},
                        "tickets": {"$sum": 1},
                        "negative": count_if("NEGATIVE"),
                        "averageScore": {"$avg": "$sentiment.score"},
                    }
                },
            ]
        )
        return await totals.to_list(), await by_tag.to_list()

    async def poorly_tagged_since(
        self, since: datetime, max_confidence: float, limit: int
    ) -> list[Document]:
        """Recent tickets no tag fits well: untagged, or every tag below ``max_confidence``
        (agent-reviewed tickets excluded: a person already judged them)."""
        cursor = self.collection.find(
            {
                "createdAt": {"$gte": since},
                "taggedAt": {"$type": "date"},
                "tagsReviewed": {"$ne": True},
                "tags": {"$not": {"$elemMatch": {"confidence": {"$gte": max_confidence}}}},
            },
            {**TEXT_FIELDS, "number": 1, "language": 1},
        ).sort([("createdAt", DESCENDING), ("_id", DESCENDING)])
        return await cursor.limit(limit).to_list()
