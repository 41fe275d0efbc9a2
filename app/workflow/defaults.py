"""The workflow a new install starts with (loaded once; what users change or delete stays
so): office hours, a support team and a Chinese-speaking team, a standard SLA and a strict
one, and four rules that the README explains.

1. Chinese tickets go to the team that handles Chinese (when tagging finds the language).
2. A NEGATIVE complaint from a customer of the top-ranked segment becomes URGENT and gets the
   strictest SLA.
3. A consultation unanswered for 4 business hours is escalated.
4. A resolved ticket with no customer reply for 72 hours is closed.
Plus: a new ticket without a team goes to the support team's queue, by its strategy.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from app.core.db import Document, MongoDatabase
from app.tickets.models import TicketPriority as P
from app.tickets.models import TicketStatus
from app.workflow.models import (
    AssignmentStrategy,
    Interval,
    RuleActionType,
    RuleEvent,
    RuleField,
    RuleOperator,
    Target,
    Weekday,
)
from app.workflow.repository import SetupRepository
from app.workflow.service import WorkflowService

A, F, Op, E = RuleActionType, RuleField, RuleOperator, RuleEvent
KEY = "defaults-v1"
SUPPORT, CHINESE = "Support", "Chinese support"
STANDARD, STRICT = "Standard", "Urgent complaints"


def _when(field: RuleField, operator: RuleOperator, value: Any = None) -> Document:
    return {"field": field, "operator": operator, "value": value, "tag": None}


def _do(kind: RuleActionType, **params: Any) -> Document:
    return {"type": kind, "params": params}


async def load_defaults(db: MongoDatabase, timezone: str) -> bool:
    """Load the default workflow unless it was loaded before; True if it was loaded now."""
    setup = SetupRepository(db)
    if not await setup.mark_once(KEY, datetime.now(UTC)):
        return False
    try:
        await _load(WorkflowService(db), timezone)
    except Exception:
        await setup.unmark(KEY)  # half loaded: the next start tries again
        raise
    return True


async def _load(service: WorkflowService, timezone: str) -> None:
    week = [Interval(day, "09:00", "17:00") for day in list(Weekday)[:5]]
    hours = await service.hours.by_name("Office hours") or await service.create_hours(
        {"name": "Office hours", "timezone": timezone, "intervals": week, "holidays": []}
    )
    support = await service.teams.by_name(SUPPORT) or await service.create_team(
        {"name": SUPPORT, "strategy": AssignmentStrategy.LEAST_LOADED}
    )
    chinese = await service.teams.by_name(CHINESE) or await service.create_team(
        {"name": CHINESE, "strategy": AssignmentStrategy.ROUND_ROBIN}
    )
    strict = await service.policies.collection.find_one({"name": STRICT}) or (
        await service.create_policy(
            {
                "name": STRICT,
                "conditions": {
                    "all": [_when(F.PRIORITY, Op.IS, "URGENT"), _when(F.TYPE, Op.IS, "COMPLAINT")]
                },
                "targets": [Target(P.URGENT, 30, 60, 8 * 60)],
                "business_hours_id": None,  # strict: the clock runs around the clock
            }
        )
    )
    if await service.policies.collection.find_one({"name": STANDARD}) is None:
        await service.create_policy(
            {
                "name": STANDARD,
                "conditions": {"all": []},
                "targets": [
                    Target(P.URGENT, 60, 120, 8 * 60),
                    Target(P.HIGH, 4 * 60, 8 * 60, 2 * 8 * 60),
                    Target(P.NORMAL, 8 * 60, 16 * 60, 5 * 8 * 60),
                    Target(P.LOW, 16 * 60, 24 * 60, 10 * 8 * 60),
                ],
                "business_hours_id": hours["_id"],
            }
        )
    rules = [
        {
            # Does nothing until articles are published; then answers when the model is sure.
            "name": "Answer consultations from the help center",
            "event": E.TICKET_CREATED,
            "conditions": {"all": [_when(F.TYPE, Op.IS, "CONSULTATION")]},
            "actions": [_do(A.REPLY_WITH_ARTICLE)],
        },
        {
            "name": "New tickets to the support queue",
            "event": E.TICKET_CREATED,
            "conditions": {"all": [_when(F.TEAM, Op.NOT_PRESENT)]},
            "actions": [_do(A.ASSIGN_BY_STRATEGY, teamId=support["_id"])],
        },
        {
            "name": "Chinese tickets to the Chinese team",
            "event": E.TAGS_CHANGED,
            "conditions": {
                "all": [_when(F.LANGUAGE, Op.IS, "zh"), _when(F.TEAM, Op.IS_NOT, chinese["_id"])]
            },
            "actions": [_do(A.ASSIGN_BY_STRATEGY, teamId=chinese["_id"])],
        },
        {
            "name": "Negative complaints from top customers are urgent",
            "event": E.TAGS_CHANGED,
            "conditions": {
                "all": [
                    _when(F.TYPE, Op.IS, "COMPLAINT"),
                    _when(F.SENTIMENT, Op.IS, "NEGATIVE"),
                    _when(F.SEGMENT_RANK, Op.IS, 1),
                    _when(F.PRIORITY, Op.IS_NOT, "URGENT"),
                ]
            },
            "actions": [
                _do(A.SET_PRIORITY, priority="URGENT"),
                _do(A.APPLY_SLA, policyId=strict["_id"]),
                _do(A.ADD_NOTE, body="A top customer is unhappy: answer within 30 minutes."),
            ],
        },
        {
            "name": "Escalate consultations unanswered for 4 business hours",
            "event": E.SCHEDULED,
            "conditions": {
                "all": [
                    _when(F.TYPE, Op.IS, "CONSULTATION"),
                    _when(F.STATUS, Op.IN, [TicketStatus.NEW.value, TicketStatus.OPEN.value]),
                    _when(F.AWAITING_REPLY, Op.IS, True),
                    _when(F.BUSINESS_HOURS_SINCE_CUSTOMER_MESSAGE, Op.GREATER_THAN, 4),
                ]
            },
            "actions": [_do(A.ESCALATE, note="has waited 4 business hours for an answer")],
        },
        {
            "name": "Close resolved tickets after 72 hours without a reply",
            "event": E.SCHEDULED,
            "conditions": {
                "all": [
                    _when(F.STATUS, Op.IS, TicketStatus.RESOLVED.value),
                    _when(F.HOURS_SINCE_STATUS_CHANGE, Op.GREATER_THAN, 72),
                ]
            },
            "actions": [_do(A.SET_STATUS, status=TicketStatus.CLOSED.value)],
        },
    ]
    for rule in rules:
        if await service.rules.collection.find_one({"name": rule["name"]}) is None:
            await service.create_rule(rule)
