"""The service workflow's vocabularies: agents and teams, rules (events, fields, operators,
actions), SLA metrics and states, and follow-up tasks."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from app.tickets.models import TicketPriority, TicketStatus

AGENT = "Agent"
TEAM = "Team"
RULE = "Rule"
RULE_RUN = "RuleRun"
BUSINESS_HOURS = "BusinessHours"
SLA_POLICY = "SlaPolicy"
TASK = "Task"

LANGUAGES = ("en", "zh")
# A ticket holds its assignee's capacity while it is one of these; RESOLVED and CLOSED free it.
HELD = frozenset({TicketStatus.NEW.value, TicketStatus.OPEN.value, TicketStatus.PENDING.value})
# Scheduled rules and the SLA sweep look at tickets that are not closed.
NOT_CLOSED = tuple(s.value for s in TicketStatus if s is not TicketStatus.CLOSED)


class AgentStatus(Enum):
    ONLINE = "ONLINE"
    AWAY = "AWAY"
    OFFLINE = "OFFLINE"


class AssignmentStrategy(Enum):
    ROUND_ROBIN = "ROUND_ROBIN"
    LEAST_LOADED = "LEAST_LOADED"


class RuleEvent(Enum):
    TICKET_CREATED = "TICKET_CREATED"
    TICKET_UPDATED = "TICKET_UPDATED"
    CUSTOMER_MESSAGE = "CUSTOMER_MESSAGE"
    AGENT_MESSAGE = "AGENT_MESSAGE"
    TAGS_CHANGED = "TAGS_CHANGED"
    SCHEDULED = "SCHEDULED"


class RuleOperator(Enum):
    IS = "IS"
    IS_NOT = "IS_NOT"
    IN = "IN"
    NOT_IN = "NOT_IN"
    CONTAINS = "CONTAINS"
    NOT_CONTAINS = "NOT_CONTAINS"
    GREATER_THAN = "GREATER_THAN"
    LESS_THAN = "LESS_THAN"
    PRESENT = "PRESENT"
    NOT_PRESENT = "NOT_PRESENT"
    CHANGED = "CHANGED"
    CHANGED_TO = "CHANGED_TO"
    CHANGED_FROM = "CHANGED_FROM"


class RuleField(Enum):
    TYPE = "TYPE"
    STATUS = "STATUS"
    PRIORITY = "PRIORITY"
    CHANNEL = "CHANNEL"
    LANGUAGE = "LANGUAGE"
    SENTIMENT = "SENTIMENT"
    SENTIMENT_SCORE = "SENTIMENT_SCORE"
    TAGS = "TAGS"
    TAG_CONFIDENCE = "TAG_CONFIDENCE"
    SUBJECT = "SUBJECT"
    BODY = "BODY"
    LIFECYCLE_STAGE = "LIFECYCLE_STAGE"
    RFM_GROUP = "RFM_GROUP"
    SEGMENT_RANK = "SEGMENT_RANK"
    TEAM = "TEAM"
    ASSIGNEE = "ASSIGNEE"
    AWAITING_REPLY = "AWAITING_REPLY"
    HOURS_SINCE_CREATED = "HOURS_SINCE_CREATED"
    HOURS_SINCE_UPDATED = "HOURS_SINCE_UPDATED"
    HOURS_SINCE_STATUS_CHANGE = "HOURS_SINCE_STATUS_CHANGE"
    HOURS_SINCE_CUSTOMER_MESSAGE = "HOURS_SINCE_CUSTOMER_MESSAGE"
    HOURS_SINCE_AGENT_REPLY = "HOURS_SINCE_AGENT_REPLY"
    BUSINESS_HOURS_SINCE_CREATED = "BUSINESS_HOURS_SINCE_CREATED"
    BUSINESS_HOURS_SINCE_CUSTOMER_MESSAGE = "BUSINESS_HOURS_SINCE_CUSTOMER_MESSAGE"
    HOURS_UNTIL_SLA_DUE = "HOURS_UNTIL_SLA_DUE"
    SLA_STATUS = "SLA_STATUS"
    SLA_BREACHED = "SLA_BREACHED"
    TASK_OVERDUE = "TASK_OVERDUE"


class RuleActionType(Enum):
    SET_PRIORITY = "SET_PRIORITY"
    SET_STATUS = "SET_STATUS"
    SET_TEAM = "SET_TEAM"
    SET_ASSIGNEE = "SET_ASSIGNEE"
    ASSIGN_BY_STRATEGY = "ASSIGN_BY_STRATEGY"
    ADD_TAGS = "ADD_TAGS"
    REMOVE_TAGS = "REMOVE_TAGS"
    ADD_NOTE = "ADD_NOTE"
    SEND_REPLY = "SEND_REPLY"
    APPLY_SLA = "APPLY_SLA"
    CREATE_TASK = "CREATE_TASK"
    ESCALATE = "ESCALATE"
    REPLY_WITH_ARTICLE = "REPLY_WITH_ARTICLE"


class Weekday(Enum):
    MONDAY = "MONDAY"
    TUESDAY = "TUESDAY"
    WEDNESDAY = "WEDNESDAY"
    THURSDAY = "THURSDAY"
    FRIDAY = "FRIDAY"
    SATURDAY = "SATURDAY"
    SUNDAY = "SUNDAY"


WEEKDAYS = list(Weekday)  # index = date.weekday()


class SlaMetric(Enum):
    FIRST_REPLY = "FIRST_REPLY"
    NEXT_REPLY = "NEXT_REPLY"
    RESOLUTION = "RESOLUTION"


class SlaStatus(Enum):
    ACTIVE = "ACTIVE"
    PAUSED = "PAUSED"
    HIT = "HIT"
    MISSED = "MISSED"


class TaskStatus(Enum):
    OPEN = "OPEN"
    DONE = "DONE"
    CANCELLED = "CANCELLED"


@dataclass(frozen=True)
class Interval:
    """Open from ``start`` to ``end`` (HH:MM, local time) on ``day``, as a client writes it."""

    day: Weekday
    start: str
    end: str


@dataclass(frozen=True)
class Target:
    """An SLA policy's minutes for one priority (None: no target for that metric)."""

    priority: TicketPriority
    first_reply_minutes: int | None = None
    next_reply_minutes: int | None = None
    resolution_minutes: int | None = None
