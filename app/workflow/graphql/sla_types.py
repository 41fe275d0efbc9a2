"""Business hours, SLA policies, and a ticket's SLA state."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from bson import ObjectId

from app.core.db import Document
from app.graphql.context import Info
from app.graphql.relay import Node, encode_id, load_node, register_node
from app.graphql.types import copied
from app.tickets.graphql.enums import TicketPriority, TicketStatus
from app.workflow.graphql import loaders
from app.workflow.graphql.enums import SlaMetric, SlaStatus, Weekday
from app.workflow.graphql.types import RuleConditions
from app.workflow.hours import format_clock
from app.workflow.models import BUSINESS_HOURS, SLA_POLICY


@strawberry.type
class BusinessInterval:
    day: Weekday
    start: str
    end: str


@strawberry.type
class BusinessHours(Node):
    id: strawberry.ID
    name: str
    timezone: str
    intervals: list[BusinessInterval]
    holidays: list[date]

    @classmethod
    def from_document(cls, doc: Document) -> BusinessHours:
        return cls(
            id=encode_id(BUSINESS_HOURS, doc["_id"]),
            intervals=[
                BusinessInterval(
                    day=Weekday(i["day"]),
                    start=format_clock(i["start"]),
                    end=format_clock(i["end"]),
                )
                for i in doc["intervals"]
            ],
            holidays=[date.fromisoformat(d) for d in doc.get("holidays", [])],
            **copied(doc, "name", "timezone"),
        )


@strawberry.type
class SlaTarget:
    priority: TicketPriority
    first_reply_minutes: int | None
    next_reply_minutes: int | None
    resolution_minutes: int | None


@strawberry.type
class SlaPolicy(Node):
    id: strawberry.ID
    name: str
    position: float
    conditions: RuleConditions
    targets: list[SlaTarget]
    pause_on: list[TicketStatus]
    business_hours_id: strawberry.Private[ObjectId | None]

    @classmethod
    def from_document(cls, doc: Document) -> SlaPolicy:
        return cls(
            id=encode_id(SLA_POLICY, doc["_id"]),
            conditions=RuleConditions.from_document(doc["conditions"]),
            targets=[
                SlaTarget(
                    priority=TicketPriority(t["priority"]),
                    first_reply_minutes=t.get("firstReplyMinutes"),
                    next_reply_minutes=t.get("nextReplyMinutes"),
                    resolution_minutes=t.get("resolutionMinutes"),
                )
                for t in doc["targets"]
            ],
            pause_on=[TicketStatus(s) for s in doc.get("pauseOn", [])],
            business_hours_id=doc.get("businessHoursId"),
            **copied(doc, "name", "position"),
        )

    @strawberry.field(description="Null: the clocks count every minute.")
    async def business_hours(self, info: Info) -> BusinessHours | None:
        found: BusinessHours | None = await load_node(info, BUSINESS_HOURS, self.business_hours_id)
        return found


@strawberry.type
class SlaBreach:
    metric: SlaMetric
    at: datetime = strawberry.field(description="When the target fell due.")


@strawberry.type(description="The ticket's SLA clocks (business minutes, pauses excluded).")
class TicketSla:
    status: SlaStatus
    first_reply_due_at: datetime | None
    next_reply_due_at: datetime | None
    resolution_due_at: datetime | None
    breaches: list[SlaBreach]
    policy_id: strawberry.Private[ObjectId]

    @classmethod
    def from_document(cls, doc: Document) -> TicketSla:
        metrics = doc.get("metrics", {})

        def due(name: str) -> datetime | None:
            metric = metrics.get(name)
            return metric.get("dueAt") if metric and metric.get("metAt") is None else None

        return cls(
            status=SlaStatus(doc["status"]),
            first_reply_due_at=due("FIRST_REPLY"),
            next_reply_due_at=due("NEXT_REPLY"),
            resolution_due_at=due("RESOLUTION"),
            breaches=[
                SlaBreach(metric=SlaMetric(b["metric"]), at=b["at"]) for b in doc["breaches"]
            ],
            policy_id=doc["policyId"],
        )

    @strawberry.field
    async def policy(self, info: Info) -> SlaPolicy | None:
        found: SlaPolicy | None = await load_node(info, SLA_POLICY, self.policy_id)
        return found


register_node(BUSINESS_HOURS, BusinessHours.from_document, loaders.business_hours)
register_node(SLA_POLICY, SlaPolicy.from_document, loaders.sla_policy)
