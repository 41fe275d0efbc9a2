"""``agents``, ``teams``, ``rules``, ``ruleRuns``, ``businessHours``, ``slaPolicies``, ``tasks``."""

from __future__ import annotations

import strawberry

from app.graphql.connections import connection_field
from app.graphql.permissions import EVERYONE
from app.workflow.graphql.inputs import RuleRunFilter, TaskFilter
from app.workflow.graphql.sla_types import BusinessHours, SlaPolicy
from app.workflow.graphql.types import (
    Agent,
    Rule,
    RuleRun,
    Task,
    Team,
)
from app.workflow.repository import (
    AgentRepository,
    BusinessHoursRepository,
    RuleRepository,
    RuleRunRepository,
    SlaPolicyRepository,
    TaskRepository,
    TeamRepository,
)


@strawberry.type
class WorkflowQuery:
    agents = connection_field(Agent, AgentRepository, roles=EVERYONE, description="By name.")
    teams = connection_field(Team, TeamRepository, roles=EVERYONE, description="By name.")
    rules = connection_field(
        Rule, RuleRepository, roles=EVERYONE, description="In the order they run (position)."
    )
    rule_runs = connection_field(
        RuleRun,
        RuleRunRepository,
        filter=RuleRunFilter,
        roles=EVERYONE,
        description="Rule firings, newest first: what each changed (old -> new).",
    )
    business_hours = connection_field(BusinessHours, BusinessHoursRepository, roles=EVERYONE)
    sla_policies = connection_field(
        SlaPolicy, SlaPolicyRepository, roles=EVERYONE, description="In matching order."
    )
    tasks = connection_field(
        Task, TaskRepository, filter=TaskFilter, roles=EVERYONE, description="By due date."
    )
