"""Checking and writing the workflow's configuration: agents and teams here, rules
(``rules``), business hours and SLA policies (``policies``). Every check collects all problems
and writes nothing when there is one."""

from __future__ import annotations

from typing import Any

from bson import ObjectId

from app.core.db import Document, MongoDatabase
from app.core.errors import ErrorCode, InputError
from app.core.validation import Checker
from app.customers.service import clean_email
from app.tickets.repository import TicketRepository
from app.workflow.checks import now_utc
from app.workflow.flow import Workflow
from app.workflow.models import LANGUAGES, AgentStatus, AssignmentStrategy
from app.workflow.policies import PolicyChecks
from app.workflow.rules import RuleChecks

MAX_CAPACITY = 1000


class WorkflowService(RuleChecks, PolicyChecks):
    """Agents, teams, rules, business hours and SLA policies."""

    def __init__(self, db: MongoDatabase) -> None:
        super().__init__(db)
        self.tickets = TicketRepository(db)
        self.flow = Workflow(db)

    # Agents and teams -----------------------------------------------------------------------

    async def create_agent(self, values: dict[str, Any]) -> Document:
        check = Checker()
        name = check.text("name", values.get("name"), required=True, max_length=120)
        email = clean_email(check, values.get("email"))
        fields = await self._agent_fields(check, values, creating=True)
        check.raise_if_any()
        now = now_utc()
        capacity = fields.pop("capacity", 10)
        return await self.agents.insert(
            {
                "name": name, "email": email, "principal": None, "teams": [],
                "languages": ["en"], "skills": [], "status": AgentStatus.OFFLINE.value,
                **fields, "capacity": capacity, "free": capacity, "load": 0, "holds": [],
                "lastAssignedAt": None, "createdAt": now, "updatedAt": now,
            }
        )  # fmt: skip

    async def update_agent(self, agent_id: ObjectId, values: dict[str, Any]) -> Document:
        """Change an agent; more room (online again, more capacity) serves the queues."""
        for _ in range(5):
            agent = await self.agents.get(agent_id)
            if agent is None:
                raise InputError.one("id", ErrorCode.NOT_FOUND, "No agent has this ID.")
            check = Checker()
            changes = await self._agent_fields(check, values, creating=False)
            if "name" in values:
                changes["name"] = check.text("name", values["name"], required=True, max_length=120)
            if "email" in values:
                changes["email"] = clean_email(check, values["email"])
            if "capacity" in changes:
                held = len(agent["holds"])
                if changes["capacity"] < held:
                    check.add(
                        "capacity", ErrorCode.OUT_OF_RANGE,
                        f"The agent holds {held} open tickets; reassign some first.",
                    )  # fmt: skip
                changes["free"] = changes["capacity"] - held
            check.raise_if_any()
            changes["updatedAt"] = now_utc()
            updated = await self.agents.change_guarded(agent, changes)
            if updated is not None:
                if updated["status"] == AgentStatus.ONLINE.value and updated["free"] > 0:
                    await self.flow.assignment.serve_queues(agent_id, now_utc())
                    updated = await self.agents.get(agent_id) or updated
                return updated
        raise InputError.one("id", ErrorCode.INVALID_TRANSITION, "The agent changed meanwhile.")

    async def _agent_fields(
        self, check: Checker, values: dict[str, Any], *, creating: bool
    ) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        if values.get("principal") is not None or ("principal" in values and not creating):
            principal = check.text("principal", values.get("principal"), max_length=200)
            if principal and principal.split(":", 1)[0] not in ("api_key", "user"):
                check.add(
                    "principal", ErrorCode.INVALID,
                    "A principal is 'api_key:<key id>' or 'user:<JWT subject>'.",
                )  # fmt: skip
            fields["principal"] = principal
        if values.get("team_ids") is not None:
            team_ids = list(dict.fromkeys(values["team_ids"]))
            found = {t["_id"] for t in await self.teams.find_in("_id", team_ids)}
            for index, team_id in enumerate(team_ids):
                if team_id not in found:
                    check.add(f"teamIds.{index}", ErrorCode.NOT_FOUND, "No team has this ID.")
            fields["teams"] = team_ids
        if values.get("languages") is not None:
            languages = list(dict.fromkeys(code.strip().lower() for code in values["languages"]))
            for index, code in enumerate(languages):
                if code not in LANGUAGES:
                    check.add(
                        f"languages.{index}", ErrorCode.INVALID,
                        f"Languages are {', '.join(LANGUAGES)}.",
                    )  # fmt: skip
            fields["languages"] = languages
        if values.get("skills") is not None:
            fields["skills"] = await self.tag_names(check, "skills", values["skills"], empty=True)
        if values.get("capacity") is not None:
            capacity = values["capacity"]
            if not 0 <= capacity <= MAX_CAPACITY:
                check.add("capacity", ErrorCode.OUT_OF_RANGE, f"0 to {MAX_CAPACITY} tickets.")
            fields["capacity"] = capacity
        if values.get("status") is not None:
            fields["status"] = values["status"].value
        return fields

    async def create_team(self, values: dict[str, Any]) -> Document:
        check = Checker()
        name = check.text("name", values.get("name"), required=True, max_length=120)
        fields = await self._team_fields(check, values)
        check.raise_if_any()
        team = {"name": name, "strategy": AssignmentStrategy.ROUND_ROBIN.value, "leadId": None}
        return await self.add(self.teams, {**team, **fields})

    async def update_team(self, team_id: ObjectId, values: dict[str, Any]) -> Document:
        check = Checker()
        await self.current(self.teams, team_id, "team")
        changes = await self._team_fields(check, values)
        if "name" in values:
            changes["name"] = check.text("name", values["name"], required=True, max_length=120)
        check.raise_if_any()
        return await self.change(self.teams, team_id, changes, "team")

    async def _team_fields(self, check: Checker, values: dict[str, Any]) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        if values.get("strategy") is not None:
            fields["strategy"] = values["strategy"].value
        if "lead_id" in values:
            lead = values["lead_id"]
            if lead is not None and await self.agents.get(lead) is None:
                check.add("leadId", ErrorCode.NOT_FOUND, "No agent has this ID.")
            fields["leadId"] = lead
        return fields
