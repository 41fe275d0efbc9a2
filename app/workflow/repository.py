"""The workflow's collections: agents, teams, rules and their runs, business hours, SLA
policies and follow-up tasks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument, UpdateOne
from pymongo.errors import DuplicateKeyError

from app.core.batches import chunks
from app.core.db import Document
from app.core.errors import ErrorCode, InputError
from app.core.repository import Repository
from app.workflow.models import AgentStatus, AssignmentStrategy, RuleEvent


class Named(Repository):
    """A collection whose documents have a unique name."""

    list_order = (("name", 1),)

    async def by_name(self, name: str) -> Document | None:
        return await self.collection.find_one({"name": name})


class TeamRepository(Named):
    collection_name = "teams"
    indexes = (IndexModel([("name", ASCENDING)], unique=True, name="name_unique"),)


class AgentRepository(Named):
    """Agents, with the tickets each holds (``holds``, at most ``capacity``) and ``free``
    = capacity - len(holds), changed together in one atomic update so no agent ever holds more
    than their capacity however many requests assign at once."""

    collection_name = "agents"
    indexes = (
        IndexModel([("email", ASCENDING)], unique=True, name="email_unique"),
        IndexModel([("name", ASCENDING)], name="name"),
        IndexModel(
            [("principal", ASCENDING)],
            unique=True,
            name="principal_unique",
            partialFilterExpression={"principal": {"$type": "string"}},
        ),
        # Round robin: the team's online member assigned longest ago.
        IndexModel(
            [("teams", ASCENDING), ("status", ASCENDING), ("lastAssignedAt", ASCENDING)],
            name="team_status_lastAssigned",
        ),
        # Least loaded: fewest held tickets, then longest idle.
        IndexModel(
            [
                ("teams", ASCENDING),
                ("status", ASCENDING),
                ("load", ASCENDING),
                ("lastAssignedAt", ASCENDING),
            ],
            name="team_status_load",
        ),
        # Holds the reconciliation checks.
        IndexModel([("holds.ticket", ASCENDING)], name="holds_ticket"),
        IndexModel([("holds.at", ASCENDING)], name="holds_at"),
    )

    async def insert(self, document: Document) -> Document:
        try:
            result = await self.collection.insert_one(document)
        except DuplicateKeyError as error:
            raise _taken(error) from error
        return {**document, "_id": result.inserted_id}

    async def change_guarded(self, agent: Document, changes: Document) -> Document | None:
        """Apply ``changes`` if the agent's capacity and holds are still as read (a capacity
        change recomputes ``free`` from them)."""
        try:
            return await self.collection.find_one_and_update(
                {"_id": agent["_id"], "capacity": agent["capacity"], "free": agent["free"]},
                {"$set": changes},
                return_document=ReturnDocument.AFTER,
            )
        except DuplicateKeyError as error:
            raise _taken(error) from error

    async def by_principal(self, principal: str) -> Document | None:
        return await self.collection.find_one({"principal": principal})

    async def claim(
        self, ticket_id: ObjectId, now: datetime, *, agent_id: ObjectId | None = None,
        team_id: ObjectId | None = None, strategy: AssignmentStrategy | None = None,
        language: str | None = None,
    ) -> Document | None:  # fmt: skip
        """Give ``ticket_id`` to one agent with room: ``agent_id`` itself (any status), or
        the team's ONLINE member chosen by ``strategy`` who handles ``language``. Atomic:
        the filter requires room, the update takes it."""
        query: Document
        sort: list[tuple[str, int]] | None = None
        if agent_id is not None:
            query = {"_id": agent_id}
        else:
            query = {"teams": team_id, "status": AgentStatus.ONLINE.value}
            if language:
                query["languages"] = language
            sort = (
                [("load", ASCENDING), ("lastAssignedAt", ASCENDING)]
                if strategy is AssignmentStrategy.LEAST_LOADED
                else [("lastAssignedAt", ASCENDING)]
            )
        query.update({"free": {"$gt": 0}, "holds.ticket": {"$ne": ticket_id}})
        return await self.collection.find_one_and_update(
            query,
            {
                "$push": {"holds": {"ticket": ticket_id, "at": now}},
                "$inc": {"free": -1, "load": 1},
                "$set": {"lastAssignedAt": now},
            },
            sort=sort,
            return_document=ReturnDocument.AFTER,
        )

    async def release(self, agent_id: ObjectId, ticket_id: ObjectId) -> Document | None:
        return await self.collection.find_one_and_update(
            {"_id": agent_id, "holds.ticket": ticket_id},
            {"$pull": {"holds": {"ticket": ticket_id}}, "$inc": {"free": 1, "load": -1}},
            return_document=ReturnDocument.AFTER,
        )

    async def holding(self, ticket_id: ObjectId) -> list[Document]:
        return await self.collection.find({"holds.ticket": ticket_id}).to_list()

    async def holds_older_than(self, before: datetime, limit: int) -> list[Document]:
        cursor = self.collection.find({"holds.at": {"$lt": before}}, {"holds": 1})
        return await cursor.limit(limit).to_list()

    async def of_team(self, team_id: ObjectId) -> list[Document]:
        return await self.collection.find({"teams": team_id}).sort("name", ASCENDING).to_list()


def _taken(error: DuplicateKeyError) -> InputError:
    field = "principal" if "principal" in str(error) else "email"
    return InputError.one(field, ErrorCode.DUPLICATE, f"Another agent has this {field}.")


class RuleRepository(Repository):
    collection_name = "rules"
    list_order = (("position", 1),)
    indexes = (
        IndexModel([("name", ASCENDING)], unique=True, name="name_unique"),
        IndexModel(
            [("event", ASCENDING), ("active", ASCENDING), ("position", ASCENDING)],
            name="event_active_position",
        ),
        IndexModel([("position", ASCENDING), ("_id", ASCENDING)], name="position_id"),
    )

    async def active(self, event: RuleEvent) -> list[Document]:
        cursor = self.collection.find({"event": event.value, "active": True})
        return await cursor.sort([("position", ASCENDING), ("_id", ASCENDING)]).to_list()

    async def all_active(self) -> list[Document]:
        """Every active rule, by event and position."""
        query = {"event": {"$in": [e.value for e in RuleEvent]}, "active": True}
        order = [("event", ASCENDING), ("active", ASCENDING), ("position", ASCENDING)]
        return await self.collection.find(query).sort(order).to_list()

    async def set_positions(self, order: Sequence[ObjectId], now: datetime) -> None:
        await self.collection.bulk_write(
            [
                UpdateOne({"_id": rule_id}, {"$set": {"position": float(i), "updatedAt": now}})
                for i, rule_id in enumerate(order, start=1)
            ],
            ordered=True,
        )

    async def all_ids(self) -> list[ObjectId]:
        cursor = self.collection.find({}, {"_id": 1}).sort([("position", 1), ("_id", 1)])
        return [doc["_id"] async for doc in cursor]


class RuleRunRepository(Repository):
    collection_name = "rule_runs"
    list_order = (("at", -1),)
    indexes = (
        IndexModel([("at", DESCENDING), ("_id", DESCENDING)], name="at_id"),
        IndexModel(
            [("ruleId", ASCENDING), ("at", DESCENDING), ("_id", DESCENDING)], name="rule_at"
        ),
        IndexModel(
            [("ticketId", ASCENDING), ("at", DESCENDING), ("_id", DESCENDING)],
            name="ticket_at",
        ),
    )

    async def record(self, runs: list[Document]) -> None:
        if runs:
            await self.collection.insert_many(runs, ordered=False)

    async def stats(self, rule_ids: Sequence[ObjectId]) -> dict[ObjectId, Document]:
        """Per rule: how often it fired and when last (kept here, not counted on the rule,
        so a firing costs one insert and no update)."""
        found: dict[ObjectId, Document] = {}
        for part in chunks(list(rule_ids)):
            cursor = await self.collection.aggregate(
                [
                    {"$match": {"ruleId": {"$in": list(part)}}},
                    {"$group": {"_id": "$ruleId", "count": {"$sum": 1}, "last": {"$max": "$at"}}},
                ]
            )
            found.update({row["_id"]: row async for row in cursor})
        return found


class BusinessHoursRepository(Named):
    collection_name = "business_hours"
    indexes = (IndexModel([("name", ASCENDING)], unique=True, name="name_unique"),)


class SlaPolicyRepository(Repository):
    collection_name = "sla_policies"
    list_order = (("position", 1),)
    indexes = (
        IndexModel([("name", ASCENDING)], unique=True, name="name_unique"),
        IndexModel([("position", ASCENDING), ("_id", ASCENDING)], name="position_id"),
        IndexModel([("businessHoursId", ASCENDING)], name="businessHours"),
    )

    async def in_order(self) -> list[Document]:
        return await self.collection.find({}).sort([("position", 1), ("_id", 1)]).to_list()


class TaskRepository(Repository):
    collection_name = "tasks"
    list_order = (("dueAt", 1),)
    indexes = (
        IndexModel([("dueAt", ASCENDING), ("_id", ASCENDING)], name="dueAt_id"),
        IndexModel(
            [("assigneeId", ASCENDING), ("status", ASCENDING), ("dueAt", ASCENDING)],
            name="assignee_status_due",
        ),
        IndexModel([("status", ASCENDING), ("dueAt", ASCENDING)], name="status_due"),
        IndexModel(
            [("ticketId", ASCENDING), ("status", ASCENDING), ("dueAt", ASCENDING)],
            name="ticket_status_due",
        ),
        IndexModel([("customerId", ASCENDING), ("dueAt", ASCENDING)], name="customer_due"),
    )

    async def insert(self, document: Document) -> Document:
        result = await self.collection.insert_one(document)
        return {**document, "_id": result.inserted_id}

    async def change(
        self, task_id: ObjectId, guard: Document, changes: Document
    ) -> Document | None:
        return await self.collection.find_one_and_update(
            {"_id": task_id, **guard}, {"$set": changes}, return_document=ReturnDocument.AFTER
        )

    async def next_due(self, ticket_id: ObjectId) -> datetime | None:
        first = await self.collection.find_one(
            {"ticketId": ticket_id, "status": "OPEN"}, sort=[("dueAt", ASCENDING)]
        )
        return first["dueAt"] if first else None


CONFIG = "config"


class SetupRepository(Repository):
    """Marks what was loaded once (the default rules), so deleting them does not bring them
    back at the next start."""

    collection_name = "workflow_setup"

    async def mark_once(self, key: str, now: datetime) -> bool:
        """True for the one caller that marks ``key`` first."""
        try:
            await self.collection.insert_one({"_id": key, "at": now})
        except DuplicateKeyError:
            return False
        return True

    async def unmark(self, key: str) -> None:
        await self.collection.delete_one({"_id": key})

    async def changed(self) -> None:
        """Rules, policies, hours or teams changed: every process reloads them."""
        await self.collection.update_one(
            {"_id": CONFIG}, {"$set": {"token": ObjectId()}}, upsert=True
        )

    async def config(self) -> Document | None:
        """The configuration's version (``token``, None before any change) and the settings
        kept with it (``surveyTypes``)."""
        return await self.collection.find_one({"_id": CONFIG})

    async def set_survey_types(self, types: list[str], now: datetime) -> Document:
        """The ticket types surveyed on resolution; a new version, so every process sees it."""
        doc = await self.collection.find_one_and_update(
            {"_id": CONFIG},
            {"$set": {"surveyTypes": types, "surveyTypesUpdatedAt": now, "token": ObjectId()}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        assert doc is not None  # upserted
        return doc
