"""Workflow objects by ID, and a team's members, batched per request."""

from __future__ import annotations

from bson import ObjectId

from app.core.db import Document
from app.graphql.connections import load_by_id
from app.graphql.context import Info
from app.workflow.repository import (
    AgentRepository,
    BusinessHoursRepository,
    RuleRepository,
    RuleRunRepository,
    SlaPolicyRepository,
    TaskRepository,
    TeamRepository,
)


async def agent(info: Info, object_id: ObjectId) -> Document | None:
    return await load_by_id(info.context, AgentRepository, object_id)


async def team(info: Info, object_id: ObjectId) -> Document | None:
    return await load_by_id(info.context, TeamRepository, object_id)


async def rule(info: Info, object_id: ObjectId) -> Document | None:
    return await load_by_id(info.context, RuleRepository, object_id)


async def rule_run(info: Info, object_id: ObjectId) -> Document | None:
    return await load_by_id(info.context, RuleRunRepository, object_id)


async def business_hours(info: Info, object_id: ObjectId) -> Document | None:
    return await load_by_id(info.context, BusinessHoursRepository, object_id)


async def sla_policy(info: Info, object_id: ObjectId) -> Document | None:
    return await load_by_id(info.context, SlaPolicyRepository, object_id)


async def task(info: Info, object_id: ObjectId) -> Document | None:
    return await load_by_id(info.context, TaskRepository, object_id)


async def rule_stats(info: Info, rule_id: ObjectId) -> Document | None:
    """How often a rule fired and when last, batched across the rules of a page."""

    async def load(keys: list[ObjectId]) -> list[Document | None]:
        found = await info.context.get(RuleRunRepository).stats(keys)
        return [found.get(key) for key in keys]

    result: Document | None = await info.context.loader("ruleStats", load).load(rule_id)
    return result


async def members(info: Info, team_id: ObjectId) -> list[Document]:
    async def load(keys: list[ObjectId]) -> list[list[Document]]:
        found = await info.context.get(AgentRepository).find_in("teams", keys)
        return [
            sorted((a for a in found if key in a["teams"]), key=lambda a: a["name"]) for key in keys
        ]

    result: list[Document] = await info.context.loader("teamMembers", load).load(team_id)
    return result
