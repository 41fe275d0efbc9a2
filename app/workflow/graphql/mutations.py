"""Workflow mutations: agents, teams, rules (create, update, delete, reorder, test), business
hours, SLA policies, tasks."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import strawberry
from bson import ObjectId

from app.core.db import Document, MongoDatabase
from app.core.errors import InputError
from app.graphql.context import Info
from app.graphql.mutations import Mutations
from app.graphql.payloads import payload, refused
from app.graphql.permissions import CRM_WRITERS, TICKET_WRITERS, allow
from app.graphql.relay import decode_input_id
from app.graphql.types import UserError
from app.tickets.models import TYPE_NAME as TICKET
from app.workflow.flow import Workflow
from app.workflow.graphql.inputs import (
    AgentInput,
    BusinessHoursInput,
    CreateTaskInput,
    RuleInput,
    SlaPolicyInput,
    TeamInput,
    UpdateTaskInput,
)
from app.workflow.graphql.sla_types import BusinessHours, SlaPolicy
from app.workflow.graphql.types import (
    Agent,
    Rule,
    RuleChange,
    RuleTest,
    Task,
    Team,
)
from app.workflow.models import AGENT, BUSINESS_HOURS, RULE, SLA_POLICY, TASK, TEAM, RuleEvent
from app.workflow.repository import (
    AgentRepository,
    BusinessHoursRepository,
    RuleRepository,
    SlaPolicyRepository,
    TaskRepository,
    TeamRepository,
)
from app.workflow.service import WorkflowService
from app.workflow.tasks import TaskService


class _Editor:
    def __init__(self, db: MongoDatabase) -> None:
        self.service = WorkflowService(db)


class AgentEditor(_Editor):
    async def create(self, values: dict[str, Any]) -> Document:
        return await self.service.create_agent(values)

    async def update(self, object_id: ObjectId, values: dict[str, Any]) -> Document:
        return await self.service.update_agent(object_id, values)


class TeamEditor(_Editor):
    async def create(self, values: dict[str, Any]) -> Document:
        return await self.service.create_team(values)

    async def update(self, object_id: ObjectId, values: dict[str, Any]) -> Document:
        return await self.service.update_team(object_id, values)


class RuleEditor(_Editor):
    async def create(self, values: dict[str, Any]) -> Document:
        return await self.service.create_rule(values)

    async def update(self, object_id: ObjectId, values: dict[str, Any]) -> Document:
        return await self.service.update_rule(object_id, values)


class HoursEditor(_Editor):
    async def create(self, values: dict[str, Any]) -> Document:
        return await self.service.create_hours(values)

    async def update(self, object_id: ObjectId, values: dict[str, Any]) -> Document:
        return await self.service.update_hours(object_id, values)


class PolicyEditor(_Editor):
    async def create(self, values: dict[str, Any]) -> Document:
        return await self.service.create_policy(values)

    async def update(self, object_id: ObjectId, values: dict[str, Any]) -> Document:
        return await self.service.update_policy(object_id, values)


AGENTS = Mutations("agent", Agent.from_document, AGENT, AgentRepository, AgentEditor)
TEAMS = Mutations("team", Team.from_document, TEAM, TeamRepository, TeamEditor)
RULES = Mutations("rule", Rule.from_document, RULE, RuleRepository, RuleEditor)
HOURS = Mutations(
    "businessHours", BusinessHours.from_document, BUSINESS_HOURS, BusinessHoursRepository,
    HoursEditor,
)  # fmt: skip
POLICIES = Mutations(
    "slaPolicy", SlaPolicy.from_document, SLA_POLICY, SlaPolicyRepository, PolicyEditor
)
TASKS = Mutations("task", Task.from_document, TASK, TaskRepository, TaskService)


def _values(input: Any) -> dict[str, Any]:
    values: dict[str, Any] = input.values()
    return values


create_agent, update_agent = AGENTS.create_and_update(
    Agent, (AgentInput, AgentInput), _values, roles=CRM_WRITERS
)
create_team, update_team = TEAMS.create_and_update(
    Team, (TeamInput, TeamInput), _values, roles=CRM_WRITERS
)
create_rule, update_rule = RULES.create_and_update(
    Rule, (RuleInput, RuleInput), _values, roles=CRM_WRITERS
)
create_hours, update_hours = HOURS.create_and_update(
    BusinessHours, (BusinessHoursInput, BusinessHoursInput), _values, roles=CRM_WRITERS
)
create_policy, update_policy = POLICIES.create_and_update(
    SlaPolicy, (SlaPolicyInput, SlaPolicyInput), _values, roles=CRM_WRITERS
)


@payload("rule", Rule, description="The rule as it was before it was deleted.")
class DeleteRulePayload: ...


@strawberry.type
class ReorderRulesPayload:
    rules: list[Rule] | None
    user_errors: list[UserError]


@strawberry.type
class TestRulePayload:
    result: RuleTest | None
    user_errors: list[UserError]


@payload("task", Task)
class CreateTaskPayload: ...


@payload("task", Task)
class UpdateTaskPayload: ...


@payload("task", Task)
class CompleteTaskPayload: ...


@strawberry.type
class WorkflowMutation:
    create_agent = create_agent
    update_agent = update_agent
    create_team = create_team
    update_team = update_team
    create_rule = create_rule
    update_rule = update_rule
    create_business_hours = create_hours
    update_business_hours = update_hours
    create_sla_policy = create_policy
    update_sla_policy = update_policy

    @strawberry.mutation(extensions=[allow(CRM_WRITERS)])
    async def delete_rule(self, info: Info, id: strawberry.ID) -> DeleteRulePayload:
        async def delete(editor: RuleEditor, object_id: ObjectId) -> Document:
            return await editor.service.delete_rule(object_id)

        return await RULES.change(info, DeleteRulePayload, id, delete)

    @strawberry.mutation(
        extensions=[allow(CRM_WRITERS)],
        description="Positions 1..n in the order given; name every rule exactly once.",
    )
    async def reorder_rules(self, info: Info, ids: list[strawberry.ID]) -> ReorderRulesPayload:
        service = info.context.get(WorkflowService)
        try:
            rule_ids = [decode_input_id(i, RULE, f"ids.{n}") for n, i in enumerate(ids)]
            rules = await service.reorder_rules(rule_ids)
        except InputError as error:
            return ReorderRulesPayload(rules=None, user_errors=UserError.from_input_error(error))
        return ReorderRulesPayload(rules=[Rule.from_document(r) for r in rules], user_errors=[])

    @strawberry.mutation(
        extensions=[allow(CRM_WRITERS)],
        description="What the rule would change on the ticket now (its conditions against "
        "the ticket as it is; CHANGED operators see no change). Writes nothing.",
    )
    async def test_rule(
        self, info: Info, input: RuleInput, ticket_id: strawberry.ID
    ) -> TestRulePayload:
        service = info.context.get(WorkflowService)
        flow = info.context.get(Workflow)
        try:
            object_id = decode_input_id(ticket_id, TICKET, "ticketId")
            rule = {"_id": ObjectId(), **await service.rule_document(input.values())}
            ticket = await flow.service.get(object_id, field="ticketId")
        except InputError as error:
            return refused(TestRulePayload, "result", error)
        event = RuleEvent(rule["event"])
        before = None if event is RuleEvent.TICKET_CREATED else ticket
        now = datetime.now(UTC)
        setup = await flow.setup()
        outcome, _ = await flow.plan(event, before, ticket, [rule], setup, now)
        changes = outcome.firings[0].changes if outcome.firings else []
        return TestRulePayload(
            result=RuleTest(
                matched=bool(outcome.firings),
                changes=[RuleChange.from_document(c) for c in changes],
            ),
            user_errors=[],
        )

    @strawberry.mutation(extensions=[allow(TICKET_WRITERS)])
    async def create_task(self, info: Info, input: CreateTaskInput) -> CreateTaskPayload:
        async def create(service: TaskService) -> Document:
            return await service.create(input.values())

        return await TASKS.create(info, CreateTaskPayload, create)

    @strawberry.mutation(extensions=[allow(TICKET_WRITERS)])
    async def update_task(
        self, info: Info, id: strawberry.ID, input: UpdateTaskInput
    ) -> UpdateTaskPayload:
        async def update(service: TaskService, object_id: ObjectId) -> Document:
            return await service.update(object_id, input.values())

        return await TASKS.change(info, UpdateTaskPayload, id, update)

    @strawberry.mutation(extensions=[allow(TICKET_WRITERS)])
    async def complete_task(self, info: Info, id: strawberry.ID) -> CompleteTaskPayload:
        async def complete(service: TaskService, object_id: ObjectId) -> Document:
            return await service.complete(object_id)

        return await TASKS.change(info, CompleteTaskPayload, id, complete)
