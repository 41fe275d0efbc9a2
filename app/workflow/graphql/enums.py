"""The workflow's enums as GraphQL shows them."""

from __future__ import annotations

import strawberry

from app.tickets.models import AuthorKind
from app.workflow.models import (
    AgentStatus,
    AssignmentStrategy,
    RuleActionType,
    RuleEvent,
    RuleField,
    RuleOperator,
    SlaMetric,
    SlaStatus,
    TaskStatus,
    Weekday,
)

strawberry.enum(AgentStatus, description="Only ONLINE agents are given tickets.")
strawberry.enum(
    AssignmentStrategy,
    description="ROUND_ROBIN: the member assigned longest ago; LEAST_LOADED: the member with "
    "the fewest open tickets, then the longest idle.",
)
strawberry.enum(RuleEvent, description="When a rule runs; SCHEDULED rules run in the sweep.")
strawberry.enum(RuleField, description="What a rule or SLA condition looks at.")
strawberry.enum(RuleOperator)
strawberry.enum(RuleActionType, description="What a rule does; see the README for params.")
strawberry.enum(Weekday)
strawberry.enum(SlaMetric)
strawberry.enum(
    SlaStatus,
    description="ACTIVE: targets pending; PAUSED: the status stops the clock; HIT: every "
    "target met; MISSED: a target was breached.",
)
strawberry.enum(TaskStatus)
strawberry.enum(AuthorKind, description="Who wrote a message.")

__all__ = [
    "AgentStatus", "AssignmentStrategy", "AuthorKind", "RuleActionType", "RuleEvent",
    "RuleField", "RuleOperator", "SlaMetric", "SlaStatus", "TaskStatus", "Weekday",
]  # fmt: skip
