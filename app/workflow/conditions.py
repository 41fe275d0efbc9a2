"""Rule and SLA-policy conditions: what each field reads from a ticket, which operators it
takes, checking a condition a client wrote, deciding it, and (for the scheduled sweep) the part
of it MongoDB can select by index.

A condition is ``{field, operator, value}`` (``tag`` too for TAG_CONFIDENCE). Values are stored
checked and normalised: enum names, numbers, tag names, ObjectIds of teams and agents.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from bson import ObjectId

from app.core.db import Document
from app.customers.models import LifecycleStage
from app.tagging.sentiment import Sentiment
from app.tickets.models import Channel, TicketPriority, TicketStatus, TicketType
from app.workflow.hours import Schedule
from app.workflow.models import LANGUAGES, NOT_CLOSED, RuleField, RuleOperator, SlaStatus

F, Op = RuleField, RuleOperator
MAX_CONDITIONS = 50
MAX_VALUES = 200
MAX_TEXT = 200
HOUR = 3600.0


class Kind(Enum):
    ENUM = "ENUM"
    TEXT = "TEXT"
    NUMBER = "NUMBER"
    TAGS = "TAGS"
    BOOL = "BOOL"
    REF = "REF"


OPERATORS: dict[Kind, frozenset[RuleOperator]] = {
    Kind.ENUM: frozenset({Op.IS, Op.IS_NOT, Op.IN, Op.NOT_IN, Op.PRESENT, Op.NOT_PRESENT}),
    Kind.REF: frozenset({Op.IS, Op.IS_NOT, Op.IN, Op.NOT_IN, Op.PRESENT, Op.NOT_PRESENT}),
    Kind.TEXT: frozenset(
        {Op.IS, Op.IS_NOT, Op.CONTAINS, Op.NOT_CONTAINS, Op.PRESENT, Op.NOT_PRESENT}
    ),
    Kind.NUMBER: frozenset(
        {Op.IS, Op.IS_NOT, Op.GREATER_THAN, Op.LESS_THAN, Op.PRESENT, Op.NOT_PRESENT}
    ),
    Kind.TAGS: frozenset(
        {Op.CONTAINS, Op.NOT_CONTAINS, Op.IN, Op.NOT_IN, Op.PRESENT, Op.NOT_PRESENT}
    ),
    Kind.BOOL: frozenset({Op.IS, Op.IS_NOT}),
}
CHANGES = frozenset({Op.CHANGED, Op.CHANGED_TO, Op.CHANGED_FROM})


@dataclass
class Facts:
    """What conditions read: the ticket as the rules have left it so far, the ticket as it was
    before the event (None for a new ticket), its customer and segment, and the time."""

    ticket: Document
    before: Document | None
    now: datetime
    customer: Document | None = None
    segment: Document | None = None  # {"rank": int, "group": str}
    schedule: Schedule | None = None  # the ticket's business hours (24/7 when None)
    overdue_task: bool = False

    def hours_since(self, at: datetime | None) -> float | None:
        return None if at is None else (self.now - at).total_seconds() / HOUR

    def business_hours_since(self, at: datetime | None) -> float | None:
        if at is None:
            return None
        return (self.schedule or Schedule.always()).minutes_between(at, self.now) / 60


def _tag_names(ticket: Document) -> list[str]:
    return [t["name"] if isinstance(t, dict) else t for t in ticket.get("tags") or []]


def _sla(ticket: Document, key: str) -> Any:
    return (ticket.get("sla") or {}).get(key)


@dataclass(frozen=True)
class FieldSpec:
    kind: Kind
    read: Callable[[Document, Facts], Any]
    choices: tuple[str, ...] = ()
    # Read from the stored ticket, so it has a value before the event (CHANGED and friends).
    tracked: bool = False
    ref: str = ""


def _enum(names: type[Enum]) -> tuple[str, ...]:
    return tuple(member.value for member in names)


def _stored(key: str) -> Callable[[Document, Facts], Any]:
    return lambda ticket, facts: ticket.get(key)


FIELDS: dict[RuleField, FieldSpec] = {
    F.TYPE: FieldSpec(Kind.ENUM, _stored("type"), _enum(TicketType), tracked=True),
    F.STATUS: FieldSpec(Kind.ENUM, _stored("status"), _enum(TicketStatus), tracked=True),
    F.PRIORITY: FieldSpec(Kind.ENUM, _stored("priority"), _enum(TicketPriority), tracked=True),
    F.CHANNEL: FieldSpec(Kind.ENUM, _stored("channel"), _enum(Channel), tracked=True),
    F.LANGUAGE: FieldSpec(
        Kind.ENUM,
        lambda t, _: t.get("language") if t.get("language") in LANGUAGES else None,
        LANGUAGES,
        tracked=True,
    ),
    F.SENTIMENT: FieldSpec(
        Kind.ENUM,
        lambda t, _: (t.get("sentiment") or {}).get("label"),
        _enum(Sentiment),
        tracked=True,
    ),
    F.SENTIMENT_SCORE: FieldSpec(
        Kind.NUMBER, lambda t, _: (t.get("sentiment") or {}).get("score"), tracked=True
    ),
    F.TAGS: FieldSpec(Kind.TAGS, lambda t, _: _tag_names(t), tracked=True),
    F.TAG_CONFIDENCE: FieldSpec(Kind.NUMBER, lambda t, _: None, tracked=True),  # see _tag_conf
    F.SUBJECT: FieldSpec(Kind.TEXT, _stored("subject"), tracked=True),
    F.BODY: FieldSpec(Kind.TEXT, _stored("body"), tracked=True),
    F.LIFECYCLE_STAGE: FieldSpec(
        Kind.ENUM,
        lambda _, f: (f.customer or {}).get("lifecycleStage"),
        _enum(LifecycleStage),
    ),
    F.RFM_GROUP: FieldSpec(Kind.TEXT, lambda _, f: (f.segment or {}).get("group")),
    F.SEGMENT_RANK: FieldSpec(Kind.NUMBER, lambda _, f: (f.segment or {}).get("rank")),
    F.TEAM: FieldSpec(Kind.REF, _stored("teamId"), tracked=True, ref="Team"),
    F.ASSIGNEE: FieldSpec(Kind.REF, _stored("assigneeId"), tracked=True, ref="Agent"),
    F.AWAITING_REPLY: FieldSpec(Kind.BOOL, lambda t, _: awaiting_reply(t), tracked=True),
    F.HOURS_SINCE_CREATED: FieldSpec(Kind.NUMBER, lambda t, f: f.hours_since(t.get("createdAt"))),
    F.HOURS_SINCE_UPDATED: FieldSpec(Kind.NUMBER, lambda t, f: f.hours_since(t.get("updatedAt"))),
    F.HOURS_SINCE_STATUS_CHANGE: FieldSpec(
        Kind.NUMBER, lambda t, f: f.hours_since(t.get("statusChangedAt"))
    ),
    F.HOURS_SINCE_CUSTOMER_MESSAGE: FieldSpec(
        Kind.NUMBER, lambda t, f: f.hours_since(t.get("lastCustomerMessageAt"))
    ),
    F.HOURS_SINCE_AGENT_REPLY: FieldSpec(
        Kind.NUMBER, lambda t, f: f.hours_since(t.get("lastAgentReplyAt"))
    ),
    F.BUSINESS_HOURS_SINCE_CREATED: FieldSpec(
        Kind.NUMBER, lambda t, f: f.business_hours_since(t.get("createdAt"))
    ),
    F.BUSINESS_HOURS_SINCE_CUSTOMER_MESSAGE: FieldSpec(
        Kind.NUMBER, lambda t, f: f.business_hours_since(t.get("lastCustomerMessageAt"))
    ),
    F.HOURS_UNTIL_SLA_DUE: FieldSpec(
        Kind.NUMBER,
        lambda t, f: None if (due := _sla(t, "dueAt")) is None else -(f.hours_since(due) or 0.0),
    ),
    F.SLA_STATUS: FieldSpec(Kind.ENUM, lambda t, _: _sla(t, "status"), _enum(SlaStatus), True),
    F.SLA_BREACHED: FieldSpec(Kind.BOOL, lambda t, _: bool(_sla(t, "breaches")), tracked=True),
    F.TASK_OVERDUE: FieldSpec(
        Kind.BOOL,
        lambda t, f: (due := t.get("taskDueAt")) is not None and due <= f.now,
    ),
}
# Fields the sweep can narrow by index: "more than N hours since X" is "X at or before now - N
# hours" (business hours are never more than calendar hours, so that bound holds for them too).
TIME_FIELDS = {
    F.HOURS_SINCE_CREATED: "createdAt",
    F.HOURS_SINCE_UPDATED: "updatedAt",
    F.HOURS_SINCE_STATUS_CHANGE: "statusChangedAt",
    F.HOURS_SINCE_CUSTOMER_MESSAGE: "lastCustomerMessageAt",
    F.HOURS_SINCE_AGENT_REPLY: "lastAgentReplyAt",
    F.BUSINESS_HOURS_SINCE_CREATED: "createdAt",
    F.BUSINESS_HOURS_SINCE_CUSTOMER_MESSAGE: "lastCustomerMessageAt",
}
EQUALITY_FIELDS = {
    F.TYPE: "type",
    F.STATUS: "status",
    F.PRIORITY: "priority",
    F.CHANNEL: "channel",
    F.LANGUAGE: "language",
    F.TEAM: "teamId",
    F.ASSIGNEE: "assigneeId",
}


def awaiting_reply(ticket: Document) -> bool:
    """The customer's last word has no public staff reply after it."""
    asked = ticket.get("lastCustomerMessageAt") or ticket.get("createdAt")
    replied = ticket.get("lastAgentReplyAt")
    return ticket.get("status") in NOT_CLOSED and (replied is None or replied < asked)


def spec_of(condition: Document) -> FieldSpec:
    return FIELDS[RuleField(condition["field"])]


def _read(condition: Document, ticket: Document, facts: Facts) -> Any:
    if condition["field"] == F.TAG_CONFIDENCE.value:
        for tag in ticket.get("tags") or []:
            name = tag["name"] if isinstance(tag, dict) else tag
            if name == condition.get("tag"):
                return tag.get("confidence", 1.0) if isinstance(tag, dict) else 1.0
        return None
    return spec_of(condition).read(ticket, facts)


def holds(condition: Document, facts: Facts) -> bool:
    """Whether one (checked) condition holds."""
    operator = RuleOperator(condition["operator"])
    value = condition.get("value")
    current = _read(condition, facts.ticket, facts)
    if operator in CHANGES:
        previous = _read(condition, facts.before, facts) if facts.before is not None else None
        return _changed(spec_of(condition).kind, operator, previous, current, value)
    return _compare(spec_of(condition).kind, operator, current, value)


def _present(value: Any) -> bool:
    return value is not None and value != [] and value != ""


def _compare(kind: Kind, operator: RuleOperator, current: Any, value: Any) -> bool:
    if operator is Op.PRESENT:
        return _present(current)
    if operator is Op.NOT_PRESENT:
        return not _present(current)
    if kind is Kind.TAGS:
        names = set(current or [])
        if operator is Op.CONTAINS:
            return value in names
        if operator is Op.NOT_CONTAINS:
            return value not in names
        if operator is Op.IN:
            return bool(names & set(value))
        return not names & set(value)  # NOT_IN
    if kind is Kind.TEXT and operator in (Op.CONTAINS, Op.NOT_CONTAINS, Op.IS, Op.IS_NOT):
        text = (current or "").casefold()
        wanted = str(value).casefold()
        found = wanted in text if operator in (Op.CONTAINS, Op.NOT_CONTAINS) else wanted == text
        return found if operator in (Op.CONTAINS, Op.IS) else not found
    match operator:
        case Op.IS:
            return bool(current == value)
        case Op.IS_NOT:
            return bool(current != value)
        case Op.IN:
            return current in value
        case Op.NOT_IN:
            return current not in value
        case Op.GREATER_THAN:
            return current is not None and current > value
        case Op.LESS_THAN:
            return current is not None and current < value
    return False


def _changed(kind: Kind, operator: RuleOperator, previous: Any, current: Any, value: Any) -> bool:
    if kind is Kind.TAGS:
        old, new = set(previous or []), set(current or [])
        if operator is Op.CHANGED:
            return old != new
        if operator is Op.CHANGED_TO:  # the tag was added
            return value in new and value not in old
        return value in old and value not in new  # CHANGED_FROM: the tag was removed
    if previous == current:
        return False
    if operator is Op.CHANGED:
        return True
    if operator is Op.CHANGED_TO:
        return bool(current == value)
    return bool(previous == value)  # CHANGED_FROM


def matches(conditions: Document, facts: Facts) -> bool:
    """``all`` of them hold, and at least one of ``any`` when there are any."""
    if not all(holds(c, facts) for c in conditions.get("all") or []):
        return False
    alternatives = conditions.get("any") or []
    return not alternatives or any(holds(c, facts) for c in alternatives)


def index_query(conditions: Document, now: datetime) -> Document:
    """A MongoDB filter every ticket the conditions can hold for passes (a superset: the
    conditions decide in the end), led by ``status`` so an index serves it."""
    query: Document = {"status": {"$in": list(NOT_CLOSED)}}
    for condition in conditions.get("all") or []:
        field = RuleField(condition["field"])
        operator = RuleOperator(condition["operator"])
        value = condition.get("value")
        if field in TIME_FIELDS and operator is Op.GREATER_THAN:
            bound = now - timedelta(hours=float(value))
            key = TIME_FIELDS[field]
            query[key] = {"$lte": min(bound, query.get(key, {}).get("$lte", bound))}
        elif field is F.HOURS_UNTIL_SLA_DUE and operator is Op.LESS_THAN:
            query["sla.dueAt"] = {"$lt": now + timedelta(hours=float(value))}
        elif field is F.TASK_OVERDUE and operator is Op.IS and value is True:
            query["taskDueAt"] = {"$lte": now}
        elif field is F.SLA_STATUS and operator is Op.IS:
            query["sla.status"] = value
        elif field is F.STATUS and operator in (Op.IS, Op.IN):
            wanted = [value] if operator is Op.IS else list(value)
            query["status"] = {"$in": [s for s in wanted if s in NOT_CLOSED]}
        elif field in EQUALITY_FIELDS and operator is Op.IS:
            query[EQUALITY_FIELDS[field]] = value
        elif field in EQUALITY_FIELDS and operator is Op.IN:
            query[EQUALITY_FIELDS[field]] = {"$in": list(value)}
    return query


def refs(conditions: Document) -> list[tuple[str, ObjectId]]:
    """The teams and agents the conditions name, as (type name, id)."""
    found = []
    for condition in [*(conditions.get("all") or []), *(conditions.get("any") or [])]:
        spec = spec_of(condition)
        if spec.kind is Kind.REF and condition.get("value") is not None:
            values = condition["value"]
            for value in values if isinstance(values, list) else [values]:
                found.append((spec.ref, value))
    return found
