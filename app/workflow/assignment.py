"""Assignment: a ticket in NEW, OPEN or PENDING with an assignee holds one unit of that
agent's capacity. ``AgentRepository.claim`` takes it atomically before the ticket is written
(and it is given back if the write fails), so no agent ever holds more than their capacity,
however many requests assign at once. When a ticket stops holding (resolved, closed,
reassigned), the agent's teams' queues are served at once; the sweep serves them too.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bson import ObjectId

from app.core.db import Document, MongoDatabase
from app.tickets.repository import TicketRepository
from app.tickets.service import MAX_MESSAGES
from app.workflow.models import HELD, AssignmentStrategy
from app.workflow.repository import AgentRepository, TeamRepository


class AgentFull(Exception):
    def __init__(self, agent_id: ObjectId) -> None:
        super().__init__(f"agent {agent_id} is at capacity")
        self.agent_id = agent_id


class Assignment:
    def __init__(self, db: MongoDatabase) -> None:
        self.tickets = TicketRepository(db)
        self.agents = AgentRepository(db)
        self.teams = TeamRepository(db)

    async def write(
        self,
        ticket: Document,
        update: dict[str, Any],
        now: datetime,
        *,
        strict: bool = False,
        assign_team: ObjectId | None = None,
        teams: dict[ObjectId, Document] | None = None,
        guard: dict[str, Any] | None = None,
    ) -> Document | None:
        """Write ``update`` if the ticket is unchanged since read, taking the new assignee's
        capacity first (or a team member's, by the team's strategy) and giving the old
        assignee's back after. None when the ticket changed meanwhile."""
        changes = update.setdefault("$set", {})
        old = holder(ticket)
        claimed = await self.take(ticket, changes, now, strict, assign_team, teams)
        written = await self.tickets.commit(ticket, update, max_messages=MAX_MESSAGES, guard=guard)
        if written is None:
            if claimed is not None:
                await self.agents.release(claimed, ticket["_id"])
            return None
        if old is not None and old != holder(written):
            await self.agents.release(old, ticket["_id"])
            await self.serve_queues(old, now)
        return written

    async def insert(
        self,
        ticket: Document,
        now: datetime,
        *,
        assign_team: ObjectId | None = None,
        teams: dict[ObjectId, Document] | None = None,
    ) -> Document:
        """Insert a new ticket (with its ``_id``), its assignee's capacity taken first."""
        changes: dict[str, Any] = {}
        claimed = await self.take({"_id": ticket["_id"]}, changes, now, False, assign_team,
                                  teams, target={**ticket})  # fmt: skip
        try:
            return await self.tickets.insert({**ticket, **changes})
        except BaseException:
            if claimed is not None:
                await self.agents.release(claimed, ticket["_id"])
            raise

    async def take(
        self,
        ticket: Document,
        changes: dict[str, Any],
        now: datetime,
        strict: bool,
        assign_team: ObjectId | None,
        teams: dict[ObjectId, Document] | None,
        target: Document | None = None,
    ) -> ObjectId | None:
        """Claim the capacity ``ticket`` after ``changes`` needs (``changes`` gets the agent, or
        the queue); returns the agent claimed, to be released if the write fails."""
        target = target if target is not None else {**ticket, **changes}
        if target["status"] not in HELD and target.get("queuedAt") is not None:
            changes["queuedAt"] = None  # resolved or closed while waiting: out of the queue
        old = holder(ticket)
        if assign_team is not None and target["status"] in HELD:
            team = (teams or {}).get(assign_team) or await self.teams.get(assign_team)
            agent = await self.claim_from(team, target, now) if team else None
            if agent is not None:
                changes.update(assigneeId=agent["_id"], queuedAt=None)
                return ObjectId(agent["_id"])
            if old is None:  # nobody has room: the ticket waits in the team's queue
                changes.update(assigneeId=None, queuedAt=ticket.get("queuedAt") or now)
            return None
        new = holder(target)
        if new is None or new == old:
            return None
        if await self.agents.claim(ticket["_id"], now, agent_id=new) is not None:
            return new
        if strict:
            raise AgentFull(new)
        # A rule's pick, or a reopened ticket whose agent is full: it waits in its team's queue.
        queue = target.get("teamId") is not None
        changes.update(assigneeId=None, queuedAt=now if queue else None)
        return None

    async def claim_from(self, team: Document, ticket: Document, now: datetime) -> Document | None:
        language = ticket.get("language")
        return await self.agents.claim(
            ticket["_id"],
            now,
            team_id=team["_id"],
            strategy=AssignmentStrategy(team["strategy"]),
            language=language if language in ("en", "zh") else None,
        )

    async def serve_queues(self, agent_id: ObjectId, now: datetime) -> int:
        """Give the agent's teams' waiting tickets to whoever has room (an agent freed up,
        came online or got more capacity); returns how many were assigned."""
        agent = await self.agents.get(agent_id)
        if agent is None:
            return 0
        assigned = 0
        for team_id in agent.get("teams", []):
            assigned += await self.serve_queue(team_id, now)
        return assigned

    async def serve_queue(self, team_id: ObjectId, now: datetime, limit: int = 200) -> int:
        team = await self.teams.get(team_id)
        if team is None:
            return 0
        assigned = 0
        full: set[str | None] = set()  # languages nobody has room for now
        for ticket in await self.tickets.queued(team_id, limit):
            language = ticket.get("language") if ticket.get("language") in ("en", "zh") else None
            if language in full:
                continue
            agent = await self.claim_from(team, ticket, now)
            if agent is None:
                if language is None:
                    break  # nobody in the team has room at all
                full.add(language)  # another language may still find someone
                continue
            written = await self.tickets.commit(
                ticket,
                {"$set": {"assigneeId": agent["_id"], "queuedAt": None, "updatedAt": now}},
                max_messages=MAX_MESSAGES,
            )
            if written is None:
                await self.agents.release(agent["_id"], ticket["_id"])
                continue
            old = holder(ticket)
            if old is not None and old != agent["_id"]:
                await self.agents.release(old, ticket["_id"])
            assigned += 1
        return assigned


def holder(ticket: Document) -> ObjectId | None:
    assignee: ObjectId | None = ticket.get("assigneeId")
    return assignee if ticket.get("status") in HELD else None
