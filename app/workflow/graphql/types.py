"""Agents, teams, rules and their runs, business hours, SLA policies and states, tasks."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, cast

import strawberry
from bson import ObjectId
from strawberry.scalars import JSON

from app.core.db import Document
from app.graphql.context import Info
from app.graphql.relay import Node, encode_id, load_node, register_node
from app.graphql.types import copied
from app.workflow.conditions import Kind, spec_of
from app.workflow.graphql import loaders
from app.workflow.graphql.enums import (
    AgentStatus,
    AssignmentStrategy,
    RuleActionType,
    RuleEvent,
    RuleField,
    RuleOperator,
    TaskStatus,
)
from app.workflow.models import (
    AGENT,
    RULE,
    RULE_RUN,
    SLA_POLICY,
    TASK,
    TEAM,
)

if TYPE_CHECKING:
    from app.customers.graphql.types import Customer
    from app.tickets.graphql.types import Ticket

PARAM_TYPES = {"teamId": TEAM, "agentId": AGENT, "assigneeId": AGENT, "policyId": SLA_POLICY}


@strawberry.type(description="A person who answers tickets.")
class Agent(Node):
    id: strawberry.ID
    name: str
    email: str
    principal: str | None = strawberry.field(
        description="The credential that acts as this agent (`api_key:<id>`, `user:<sub>`)."
    )
    languages: list[str]
    skills: list[str]
    capacity: int = strawberry.field(description="Most open tickets at once.")
    open_tickets: int = strawberry.field(description="Open tickets held now (<= capacity).")
    status: AgentStatus
    last_assigned_at: datetime | None
    created_at: datetime
    team_ids: strawberry.Private[list[ObjectId]]

    @classmethod
    def from_document(cls, doc: Document) -> Agent:
        return cls(
            id=encode_id(AGENT, doc["_id"]),
            status=AgentStatus(doc["status"]),
            open_tickets=len(doc.get("holds", [])),
            team_ids=doc.get("teams", []),
            **copied(doc, "name", "email", "languages", "skills", "capacity", "created_at",
                     optional=("principal", "last_assigned_at")),
        )  # fmt: skip

    @strawberry.field
    async def teams(self, info: Info) -> list[Team]:
        found = [await load_node(info, TEAM, team_id) for team_id in self.team_ids]
        return [team for team in found if team is not None]


@strawberry.type
class Team(Node):
    id: strawberry.ID
    name: str
    strategy: AssignmentStrategy
    created_at: datetime
    object_id: strawberry.Private[ObjectId]
    lead_id: strawberry.Private[ObjectId | None]

    @classmethod
    def from_document(cls, doc: Document) -> Team:
        return cls(
            id=encode_id(TEAM, doc["_id"]),
            object_id=doc["_id"],
            strategy=AssignmentStrategy(doc["strategy"]),
            lead_id=doc.get("leadId"),
            **copied(doc, "name", "created_at"),
        )

    @strawberry.field(description="Told in an internal note when a rule escalates.")
    async def lead(self, info: Info) -> Agent | None:
        agent: Agent | None = await load_node(info, AGENT, self.lead_id)
        return agent

    @strawberry.field(description="Agents in the team (an agent's teamIds), by name.")
    async def members(self, info: Info) -> list[Agent]:
        return [Agent.from_document(doc) for doc in await loaders.members(info, self.object_id)]


def _encode(value: Any, type_name: str) -> Any:
    if isinstance(value, list):
        return [_encode(v, type_name) for v in value]
    return encode_id(type_name, value) if isinstance(value, ObjectId) else value


@strawberry.type
class RuleCondition:
    field: RuleField
    operator: RuleOperator
    value: JSON | None
    tag: str | None

    @classmethod
    def from_document(cls, doc: Document) -> RuleCondition:
        spec = spec_of(doc)
        value = _encode(doc.get("value"), spec.ref) if spec.kind is Kind.REF else doc.get("value")
        return cls(
            field=RuleField(doc["field"]),
            operator=RuleOperator(doc["operator"]),
            value=value,
            tag=doc.get("tag"),
        )


@strawberry.type
class RuleConditions:
    all: list[RuleCondition]
    any: list[RuleCondition]

    @classmethod
    def from_document(cls, doc: Document) -> RuleConditions:
        return cls(
            all=[RuleCondition.from_document(c) for c in doc.get("all", [])],
            any=[RuleCondition.from_document(c) for c in doc.get("any", [])],
        )


@strawberry.type
class RuleAction:
    type: RuleActionType
    params: JSON

    @classmethod
    def from_document(cls, doc: Document) -> RuleAction:
        params = {
            key: _encode(value, PARAM_TYPES[key]) if key in PARAM_TYPES else value
            for key, value in doc["params"].items()
        }
        return cls(type=RuleActionType(doc["type"]), params=cast(JSON, params))


@strawberry.type
class Rule(Node):
    id: strawberry.ID
    name: str
    event: RuleEvent
    position: float
    active: bool
    conditions: RuleConditions
    actions: list[RuleAction]
    created_at: datetime
    updated_at: datetime
    object_id: strawberry.Private[ObjectId]

    @classmethod
    def from_document(cls, doc: Document) -> Rule:
        return cls(
            id=encode_id(RULE, doc["_id"]),
            event=RuleEvent(doc["event"]),
            conditions=RuleConditions.from_document(doc["conditions"]),
            actions=[RuleAction.from_document(a) for a in doc["actions"]],
            object_id=doc["_id"],
            **copied(doc, "name", "position", "active", "created_at", "updated_at"),
        )  # fmt: skip

    @strawberry.field(description="How often the rule has fired (its ruleRuns).")
    async def fire_count(self, info: Info) -> int:
        stats = await loaders.rule_stats(info, self.object_id)
        return int(stats["count"]) if stats else 0

    @strawberry.field
    async def last_fired_at(self, info: Info) -> datetime | None:
        stats = await loaders.rule_stats(info, self.object_id)
        return stats["last"] if stats else None


@strawberry.type(description="One change a rule made (or would make): readable old and new.")
class RuleChange:
    field: str = strawberry.field(
        description="status, priority, team, assignee, tags; note, reply, task for additions."
    )
    from_: str | None = strawberry.field(name="from")
    to: str | None

    @classmethod
    def from_document(cls, doc: Document) -> RuleChange:
        return cls(field=doc["field"], from_=doc.get("from"), to=doc.get("to"))


@strawberry.type(description="A rule firing on a ticket.")
class RuleRun(Node):
    id: strawberry.ID
    rule_name: str
    event: RuleEvent
    changes: list[RuleChange]
    at: datetime
    rule_id: strawberry.Private[ObjectId]
    ticket_id: strawberry.Private[ObjectId]

    @classmethod
    def from_document(cls, doc: Document) -> RuleRun:
        return cls(
            id=encode_id(RULE_RUN, doc["_id"]),
            event=RuleEvent(doc["event"]),
            changes=[RuleChange.from_document(c) for c in doc["changes"]],
            **copied(doc, "rule_name", "at", "rule_id", "ticket_id"),
        )

    @strawberry.field(description="Null once the rule is deleted (ruleName stays).")
    async def rule(self, info: Info) -> Rule | None:
        found: Rule | None = await load_node(info, RULE, self.rule_id)
        return found

    @strawberry.field
    async def ticket(
        self, info: Info
    ) -> Annotated[Ticket, strawberry.lazy("app.tickets.graphql.types")] | None:
        return await load_node(info, "Ticket", self.ticket_id)  # type: ignore[no-any-return]


@strawberry.type(description="What a rule would do to a ticket now; nothing is written.")
class RuleTest:
    matched: bool
    changes: list[RuleChange]


@strawberry.type(description="A follow-up: call back, check a refund, ...")
class Task(Node):
    id: strawberry.ID
    title: str
    due_at: datetime
    status: TaskStatus
    completed_at: datetime | None
    created_at: datetime
    ticket_id: strawberry.Private[ObjectId | None]
    customer_id: strawberry.Private[ObjectId | None]
    assignee_id: strawberry.Private[ObjectId | None]

    @classmethod
    def from_document(cls, doc: Document) -> Task:
        return cls(
            id=encode_id(TASK, doc["_id"]),
            status=TaskStatus(doc["status"]),
            **copied(doc, "title", "due_at", "created_at",
                     optional=("completed_at", "ticket_id", "customer_id", "assignee_id")),
        )  # fmt: skip

    @strawberry.field
    async def ticket(
        self, info: Info
    ) -> Annotated[Ticket, strawberry.lazy("app.tickets.graphql.types")] | None:
        return await load_node(info, "Ticket", self.ticket_id)  # type: ignore[no-any-return]

    @strawberry.field
    async def customer(
        self, info: Info
    ) -> Annotated[Customer, strawberry.lazy("app.customers.graphql.types")] | None:
        return await load_node(info, "Customer", self.customer_id)  # type: ignore[no-any-return]

    @strawberry.field
    async def assignee(self, info: Info) -> Agent | None:
        found: Agent | None = await load_node(info, AGENT, self.assignee_id)
        return found


register_node(AGENT, Agent.from_document, loaders.agent)
register_node(TEAM, Team.from_document, loaders.team)
register_node(RULE, Rule.from_document, loaders.rule)
register_node(RULE_RUN, RuleRun.from_document, loaders.rule_run)
register_node(TASK, Task.from_document, loaders.task)
