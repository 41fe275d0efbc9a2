"""Workflow inputs: agents, teams, rules, business hours, SLA policies, tasks; and filters."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON

from app.graphql.inputs import QueryBuilder, as_utc
from app.graphql.relay import decode_id_or_raise, decode_input_id
from app.tickets.graphql.enums import TicketPriority, TicketStatus
from app.tickets.models import TYPE_NAME as TICKET
from app.workflow.graphql.enums import (
    AgentStatus,
    AssignmentStrategy,
    RuleActionType,
    RuleEvent,
    RuleField,
    RuleOperator,
    TaskStatus,
    Weekday,
)
from app.workflow.models import AGENT, BUSINESS_HOURS, RULE, TEAM, Interval, Target

UNSET: Any = strawberry.UNSET


def ids(values: list[strawberry.ID] | None, type_name: str, field: str) -> list[Any] | None:
    if values is None:
        return None
    return [decode_input_id(v, type_name, f"{field}.{i}") for i, v in enumerate(values)]


def given(input: Any, **names: tuple[str, str] | None) -> dict[str, Any]:
    """The fields the client sent (UNSET left out), IDs decoded: ``names`` maps an ID field
    to (type name, field name in errors)."""
    values: dict[str, Any] = {}
    for key in input.__dataclass_fields__:
        value = getattr(input, key)
        if value is UNSET:
            continue
        spec = names.get(key)
        if spec is not None and value is not None:
            type_name, field = spec
            value = (
                ids(value, type_name, field)
                if isinstance(value, list)
                else decode_input_id(value, type_name, field)
            )
        values[key] = value
    return values


@strawberry.input
class AgentInput:
    name: str | None = UNSET
    email: str | None = UNSET
    principal: str | None = strawberry.field(
        default=UNSET,
        description="The credential that acts as this agent: `api_key:<key id>` or "
        "`user:<JWT subject>`; their messages are written as the agent.",
    )
    team_ids: list[strawberry.ID] | None = UNSET
    languages: list[str] | None = strawberry.field(default=UNSET, description="en, zh.")
    skills: list[str] | None = strawberry.field(default=UNSET, description="Tag names.")
    capacity: int | None = strawberry.field(
        default=UNSET, description="Most open (NEW, OPEN, PENDING) tickets at once."
    )
    status: AgentStatus | None = UNSET

    def values(self) -> dict[str, Any]:
        return given(self, team_ids=(TEAM, "teamIds"))


@strawberry.input
class TeamInput:
    name: str | None = UNSET
    strategy: AssignmentStrategy | None = UNSET
    lead_id: strawberry.ID | None = UNSET

    def values(self) -> dict[str, Any]:
        return given(self, lead_id=(AGENT, "leadId"))


@strawberry.input(description="One condition; `tag` names the tag for TAG_CONFIDENCE.")
class RuleConditionInput:
    field: RuleField
    operator: RuleOperator
    value: JSON | None = strawberry.field(
        default=None,
        description="A value of the field's type: an enum name, text, number, boolean, tag "
        "name, or a Team/Agent ID; a list for IN and NOT_IN; none for PRESENT, NOT_PRESENT "
        "and CHANGED.",
    )
    tag: str | None = None


@strawberry.input(description="`all` must hold, and one of `any` when there are any.")
class RuleConditionsInput:
    all: list[RuleConditionInput] = strawberry.field(default_factory=list)
    any: list[RuleConditionInput] = strawberry.field(default_factory=list)


@strawberry.input
class RuleActionInput:
    type: RuleActionType
    params: JSON | None = strawberry.field(
        default=None, description="Per type; see the README's table of actions."
    )


@strawberry.input
class RuleInput:
    name: str | None = UNSET
    event: RuleEvent | None = UNSET
    position: float | None = strawberry.field(
        default=UNSET, description="Rules run in ascending position; new ones go last."
    )
    active: bool | None = UNSET
    conditions: RuleConditionsInput | None = UNSET
    actions: list[RuleActionInput] | None = UNSET

    def values(self) -> dict[str, Any]:
        values = given(self)
        if "actions" in values:
            values["actions"] = [
                {"type": a.type, "params": a.params} for a in values["actions"] or []
            ]
        return values


@strawberry.input
class BusinessIntervalInput:
    day: Weekday
    start: str = strawberry.field(description="HH:MM, local time.")
    end: str = strawberry.field(description="HH:MM (24:00 = midnight at the end of the day).")


@strawberry.input
class BusinessHoursInput:
    name: str | None = UNSET
    timezone: str | None = strawberry.field(default=UNSET, description="IANA name.")
    intervals: list[BusinessIntervalInput] | None = UNSET
    holidays: list[date] | None = UNSET

    def values(self) -> dict[str, Any]:
        values = given(self)
        if values.get("intervals") is not None:
            values["intervals"] = [Interval(i.day, i.start, i.end) for i in values["intervals"]]
        return values


@strawberry.input
class SlaTargetInput:
    priority: TicketPriority
    first_reply_minutes: int | None = None
    next_reply_minutes: int | None = None
    resolution_minutes: int | None = None


@strawberry.input
class SlaPolicyInput:
    name: str | None = UNSET
    position: float | None = UNSET
    conditions: RuleConditionsInput | None = UNSET
    targets: list[SlaTargetInput] | None = UNSET
    business_hours_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="None: the clocks count every minute."
    )
    pause_on: list[TicketStatus] | None = strawberry.field(
        default=UNSET, description="Statuses that stop the clocks; default PENDING."
    )

    def values(self) -> dict[str, Any]:
        values = given(self, business_hours_id=(BUSINESS_HOURS, "businessHoursId"))
        if values.get("targets") is not None:
            values["targets"] = [
                Target(t.priority, t.first_reply_minutes, t.next_reply_minutes,
                       t.resolution_minutes)
                for t in values["targets"]
            ]  # fmt: skip
        return values


@strawberry.input
class CreateTaskInput:
    title: str
    due_at: datetime
    ticket_id: strawberry.ID | None = None
    customer_id: strawberry.ID | None = None
    assignee_id: strawberry.ID | None = None

    def values(self) -> dict[str, Any]:
        values = given(
            self, ticket_id=(TICKET, "ticketId"), customer_id=("Customer", "customerId"),
            assignee_id=(AGENT, "assigneeId"),
        )  # fmt: skip
        values["due_at"] = as_utc(self.due_at)
        return values


@strawberry.input
class UpdateTaskInput:
    title: str | None = UNSET
    due_at: datetime | None = UNSET
    assignee_id: strawberry.ID | None = UNSET
    status: TaskStatus | None = UNSET

    def values(self) -> dict[str, Any]:
        values = given(self, assignee_id=(AGENT, "assigneeId"))
        if values.get("due_at") is not None:
            values["due_at"] = as_utc(values["due_at"])
        return values


@strawberry.input
class RuleRunFilter:
    rule_id: strawberry.ID | None = None
    ticket_id: strawberry.ID | None = None

    def to_query(self) -> dict[str, Any]:
        query = QueryBuilder()
        if self.rule_id is not None:
            query.add("ruleId", decode_id_or_raise(self.rule_id, RULE))
        if self.ticket_id is not None:
            query.add("ticketId", decode_id_or_raise(self.ticket_id, TICKET))
        return query.build()


@strawberry.input
class TaskFilter:
    assignee_id: strawberry.ID | None = None
    status: list[TaskStatus] | None = None
    due_before: datetime | None = None
    ticket_id: strawberry.ID | None = None

    def to_query(self) -> dict[str, Any]:
        query = QueryBuilder()
        if self.assignee_id is not None:
            query.add("assigneeId", decode_id_or_raise(self.assignee_id, AGENT))
        if self.ticket_id is not None:
            query.add("ticketId", decode_id_or_raise(self.ticket_id, TICKET))
        query.one_of("status", self.status, "status")
        if self.due_before is not None:
            query.add("dueAt", {"$lt": as_utc(self.due_before)})
        return query.build()
