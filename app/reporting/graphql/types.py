"""The report types: serviceMetrics rows and the complaint report."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry
from bson import ObjectId

from app.graphql.context import Info
from app.graphql.relay import load_node
from app.reporting import service
from app.segmentation.graphql.types import SegmentRef
from app.tagging.graphql.inputs import SummaryInterval
from app.tickets.graphql.enums import Channel, TicketPriority, TicketType
from app.workflow.graphql.enums import SlaMetric
from app.workflow.models import AGENT, TEAM

if TYPE_CHECKING:
    from app.customers.graphql.types import Customer
    from app.workflow.graphql.types import Agent, Team


@strawberry.enum(description="What serviceMetrics rows are grouped by (with the period).")
class ServiceGroup(Enum):
    AGENT = "AGENT"
    TEAM = "TEAM"
    TYPE = "TYPE"
    PRIORITY = "PRIORITY"
    CHANNEL = "CHANNEL"
    TAG = "TAG"
    LANGUAGE = "LANGUAGE"


@strawberry.type(description="Of the tickets with a value, in minutes.")
class Percentiles:
    tickets: int = strawberry.field(description="How many tickets have a value.")
    median: float | None
    p90: float | None = strawberry.field(description="The 90th percentile (nearest rank).")

    @classmethod
    def of(cls, stats: service.Stats) -> Percentiles:
        return cls(tickets=stats.count, median=stats.median, p90=stats.p90)


@strawberry.type(description="A time metric in calendar and in business minutes.")
class TimeMetric:
    calendar: Percentiles
    business: Percentiles

    @classmethod
    def of(cls, durations: service.Durations) -> TimeMetric:
        return cls(
            calendar=Percentiles.of(durations.calendar),
            business=Percentiles.of(durations.business),
        )


@strawberry.type(description="Targets of one SLA metric on the solved tickets.")
class SlaAchievement:
    metric: SlaMetric
    hit: int
    missed: int
    rate: float | None = strawberry.field(description="hit / (hit + missed).")


@strawberry.type(description="The surveys of the solves in the period.")
class SatisfactionScore:
    surveys: int = strawberry.field(description="Surveys opened (solves of surveyed types).")
    responses: int
    good: int = strawberry.field(description="Ratings of 4 or 5.")
    csat: float | None = strawberry.field(description="good / responses.")
    response_rate: float | None = strawberry.field(description="responses / surveys.")


@strawberry.type(description="Tickets open at the period's end (now for the current one).")
class Backlog:
    open: int
    age: Percentiles = strawberry.field(description="Minutes since created, at the period end.")


@strawberry.type(description="The group of a row: the fields it is grouped by are set.")
class ServiceGroupKey:
    type: TicketType | None
    priority: TicketPriority | None
    channel: Channel | None
    tag: str | None = strawberry.field(description="Null: tickets without tags.")
    language: str | None
    agent_id: strawberry.Private[ObjectId | None]
    team_id: strawberry.Private[ObjectId | None]

    @classmethod
    def of(cls, key: dict[str, object]) -> ServiceGroupKey:
        def enum[E: Enum](kind: type[E], name: str) -> E | None:
            value = key.get(name)
            return kind(value) if isinstance(value, str) else None

        return cls(
            type=enum(TicketType, "TYPE"),
            priority=enum(TicketPriority, "PRIORITY"),
            channel=enum(Channel, "CHANNEL"),
            tag=str(key["TAG"]) if key.get("TAG") is not None else None,
            language=str(key["LANGUAGE"]) if key.get("LANGUAGE") is not None else None,
            agent_id=key.get("AGENT") if isinstance(key.get("AGENT"), ObjectId) else None,  # type: ignore[arg-type]
            team_id=key.get("TEAM") if isinstance(key.get("TEAM"), ObjectId) else None,  # type: ignore[arg-type]
        )

    @strawberry.field(description="Null when grouped by AGENT: unassigned tickets.")
    async def agent(
        self, info: Info
    ) -> Annotated[Agent, strawberry.lazy("app.workflow.graphql.types")] | None:
        return await load_node(info, AGENT, self.agent_id)  # type: ignore[no-any-return]

    @strawberry.field(description="Null when grouped by TEAM: tickets of no team.")
    async def team(
        self, info: Info
    ) -> Annotated[Team, strawberry.lazy("app.workflow.graphql.types")] | None:
        return await load_node(info, TEAM, self.team_id)  # type: ignore[no-any-return]


@strawberry.type(description="One period and group; see the README's 'Service metrics'.")
class ServiceMetricsRow:
    start: datetime
    end: datetime
    group: ServiceGroupKey
    created: int = strawberry.field(description="Tickets created in the period.")
    solved: int = strawberry.field(description="Tickets whose latest solve is in the period.")
    first_reply_time: TimeMetric = strawberry.field(description="By the first reply's period.")
    full_resolution_time: TimeMetric = strawberry.field(description="Created to latest solve.")
    requester_wait_time: TimeMetric = strawberry.field(description="Minutes in NEW or OPEN.")
    one_touch_resolution_rate: float | None = strawberry.field(
        description="Solved with at most one public agent reply / solved."
    )
    reopen_rate: float | None = strawberry.field(description="Solved after a reopen / solved.")
    sla: list[SlaAchievement]
    satisfaction: SatisfactionScore
    backlog: Backlog

    @classmethod
    def of(cls, row: service.ServiceRow) -> ServiceMetricsRow:
        return cls(
            start=row.start,
            end=row.end,
            group=ServiceGroupKey.of(row.key),
            created=row.created,
            solved=row.solved,
            first_reply_time=TimeMetric.of(row.first_reply),
            full_resolution_time=TimeMetric.of(row.resolution),
            requester_wait_time=TimeMetric.of(row.requester_wait),
            one_touch_resolution_rate=service.ratio(row.one_touch, row.solved),
            reopen_rate=service.ratio(row.reopened, row.solved),
            sla=[
                SlaAchievement(
                    metric=m, hit=hit, missed=missed, rate=service.ratio(hit, hit + missed)
                )
                for m, (hit, missed) in row.sla.items()
            ],
            satisfaction=SatisfactionScore(
                surveys=row.surveys,
                responses=row.responses,
                good=row.good,
                csat=service.ratio(row.good, row.responses),
                response_rate=service.ratio(row.responses, row.surveys),
            ),
            backlog=Backlog(open=row.backlog, age=Percentiles.of(row.backlog_age)),
        )


@strawberry.type
class ServiceMetrics:
    interval: SummaryInterval
    start: datetime
    end: datetime
    group_by: list[ServiceGroup]
    rows: list[ServiceMetricsRow] = strawberry.field(
        description="Per period, then group; a period or group with nothing to count is left out."
    )


@strawberry.type
class ComplaintTagCount:
    tag: str | None = strawberry.field(description="Null: complaints without tags.")
    complaints: int


@strawberry.type
class ComplaintSegmentCount:
    segment: SegmentRef | None = strawberry.field(
        description="In the latest segmentation; null: customers it does not place."
    )
    complaints: int


@strawberry.type
class ComplaintPeriod:
    start: datetime
    end: datetime
    complaints: int = strawberry.field(description="Created in the period.")
    escalated: int = strawberry.field(
        description="Of those, escalated (an ESCALATE rule fired or the priority was raised)."
    )
    escalation_rate: float | None
    solved: int = strawberry.field(description="Complaints whose latest solve is in the period.")
    time_to_resolution: TimeMetric
    tags: list[ComplaintTagCount]
    segments: list[ComplaintSegmentCount]

    @classmethod
    def of(cls, period: service.ComplaintPeriod) -> ComplaintPeriod:
        return cls(
            start=period.start,
            end=period.end,
            complaints=period.complaints,
            escalated=period.escalated,
            escalation_rate=service.ratio(period.escalated, period.complaints),
            solved=period.solved,
            time_to_resolution=TimeMetric.of(period.resolution),
            tags=[ComplaintTagCount(tag=tag, complaints=n) for tag, n in period.tags],
            segments=[
                ComplaintSegmentCount(
                    segment=SegmentRef(**s.segment) if s.segment else None,
                    complaints=s.complaints,
                )
                for s in period.segments
            ],
        )


@strawberry.type
class RepeatComplainer:
    complaints: int
    last_complaint_at: datetime
    customer_id: strawberry.Private[ObjectId]

    @strawberry.field
    async def customer(
        self, info: Info
    ) -> Annotated[Customer, strawberry.lazy("app.customers.graphql.types")] | None:
        return await load_node(info, "Customer", self.customer_id)  # type: ignore[no-any-return]


@strawberry.type
class ComplaintReport:
    interval: SummaryInterval
    start: datetime
    end: datetime
    periods: list[ComplaintPeriod]
    repeat_complainers_since: datetime
    repeat_complainers: list[RepeatComplainer] = strawberry.field(
        description="Customers with more than one complaint in the last 90 days, most first "
        "(at most 100)."
    )
