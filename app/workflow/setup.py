"""The workflow's configuration as an event sees it: active rules by event, SLA policies in
order, business hours and teams (cached per process while their version in MongoDB stays the
same), the ticket types surveyed on resolution, and the lookups one event makes (agents'
names, the latest segmentation)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bson import ObjectId

from app.core.db import Document, MongoDatabase
from app.tickets.metrics import Span
from app.tickets.models import TicketType
from app.workflow.hours import Schedule
from app.workflow.models import RuleEvent
from app.workflow.repository import (
    BusinessHoursRepository,
    RuleRepository,
    SetupRepository,
    SlaPolicyRepository,
    TeamRepository,
)


@dataclass(frozen=True)
class Config:
    """What the workflow is configured to do: active rules by event, SLA policies in order,
    business hours, teams."""

    rules: dict[RuleEvent, list[Document]]
    policies: list[Document]
    hours: dict[ObjectId, Schedule]
    teams: dict[ObjectId, Document]


# Until a manager says otherwise: consultations and complaints are surveyed, feedback is not
# (the customer told us something; there is no service to rate).
DEFAULT_SURVEY_TYPES = frozenset({TicketType.CONSULTATION.value, TicketType.COMPLAINT.value})

# Per database: the configuration and the version it was read at.
_CONFIGS: dict[str, tuple[ObjectId | None, Config]] = {}


@dataclass
class Setup:
    """The workflow's configuration at one moment: rules by event, SLA policies in order,
    business hours, teams. Read once per event (or once per sweep)."""

    rules: dict[RuleEvent, list[Document]]
    policies: list[Document]
    hours: dict[ObjectId, Schedule]
    teams: dict[ObjectId, Document]
    agents: dict[ObjectId, Document] = field(default_factory=dict)  # by ID, for their names
    segmentation: list[Document | None] = field(default_factory=list)  # the latest run, once
    survey_types: frozenset[str] = DEFAULT_SURVEY_TYPES

    def business_minutes(self, ticket: Document) -> Span:
        """How the ticket's metrics count business minutes: on the business hours of its SLA
        policy, else of the first policy (the default, as rule conditions count them), else
        every minute."""
        current = self.policy((ticket.get("sla") or {}).get("policyId"))
        return self.schedule_of(current or next(iter(self.policies), None)).minutes_between

    def schedule_of(self, policy: Document | None) -> Schedule:
        if policy is None or policy.get("businessHoursId") not in self.hours:
            return Schedule.always()
        return self.hours[policy["businessHoursId"]]

    def policy(self, policy_id: Any) -> Document | None:
        return next((p for p in self.policies if p["_id"] == policy_id), None)


async def load_setup(db: MongoDatabase, events: tuple[RuleEvent, ...]) -> Setup:
    """The configuration (cached per process while its version in MongoDB is unchanged; any
    process that changes it moves the version) and fresh per-event lookups."""
    stored = await SetupRepository(db).config()
    token = stored["token"] if stored else None
    cached = _CONFIGS.get(db.name)
    if token is None or cached is None or cached[0] != token:
        rules: dict[RuleEvent, list[Document]] = {event: [] for event in RuleEvent}
        for rule in await RuleRepository(db).all_active():
            rules[RuleEvent(rule["event"])].append(rule)
        teams = {t["_id"]: t for t in await TeamRepository(db).collection.find({}).to_list()}
        hours = {
            doc["_id"]: Schedule.from_document(doc)
            for doc in await BusinessHoursRepository(db).collection.find({}).to_list()
        }
        policies = await SlaPolicyRepository(db).in_order()
        cached = (token, Config(rules, policies, hours, teams))
        if token is not None:
            _CONFIGS[db.name] = cached
    config = cached[1]
    return Setup(
        rules={event: config.rules[event] for event in events},
        policies=config.policies,
        hours=config.hours,
        teams=config.teams,
        survey_types=survey_types(stored),
    )


def survey_types(stored: Document | None) -> frozenset[str]:
    """The types surveyed on resolution, as configured (``stored``: the setup document)."""
    if stored is None or stored.get("surveyTypes") is None:
        return DEFAULT_SURVEY_TYPES
    return frozenset(stored["surveyTypes"])
