"""The ``campaigns`` document: who it targets, the variants it tests, and how it is judged."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from itertools import product
from typing import Any

from app.core.db import Document

TYPE_NAME = "Campaign"
MAX_NAME, MAX_CONTENT, MAX_VARIANTS, MAX_WINDOW_DAYS = 200, 20_000, 26, 365
MAX_EVENTS = 1_000  # per recordCampaignEvents call
HOLDOUT = "holdout"  # the variant key of customers kept out of the campaign


class CampaignChannel(Enum):
    EMAIL = "EMAIL"
    SMS = "SMS"
    PUSH = "PUSH"
    IN_APP = "IN_APP"
    OTHER = "OTHER"


class CampaignGoal(Enum):
    ORDER = "ORDER"  # the share of exposed customers who order within windowDays
    REVENUE = "REVENUE"  # revenue per exposed customer within windowDays


class CampaignStatus(Enum):
    DRAFT = "DRAFT"
    RUNNING = "RUNNING"
    STOPPED = "STOPPED"
    COMPLETED = "COMPLETED"


class CampaignEventType(Enum):
    EXPOSED = "EXPOSED"
    OPENED = "OPENED"
    CLICKED = "CLICKED"
    CONVERTED = "CONVERTED"


class CampaignRecommendation(Enum):
    KEEP_RUNNING = "KEEP_RUNNING"
    WINNER = "WINNER"
    NO_DIFFERENCE = "NO_DIFFERENCE"
    STOP_SRM = "STOP_SRM"


_S = CampaignStatus
# A stopped campaign may resume; a completed one is history.
TRANSITIONS: dict[CampaignStatus, frozenset[CampaignStatus]] = {
    _S.DRAFT: frozenset({_S.RUNNING}),
    _S.RUNNING: frozenset({_S.STOPPED, _S.COMPLETED}),
    _S.STOPPED: frozenset({_S.RUNNING, _S.COMPLETED}),
}
# What defines the experiment: fixed once it runs, or the assignments and results lie.
DESIGN = ("variants", "factors", "holdoutPercent", "audience", "seed", "goal", "windowDays")
# Statuses that take events (a draft has not started; a completed campaign is history).
RECORDING = (_S.RUNNING.value, _S.STOPPED.value)
# Statuses in which new customers join (assigned by the job or on demand).
ASSIGNABLE = (_S.DRAFT.value, _S.RUNNING.value)


def new_campaign(fields: dict[str, Any], now: datetime) -> Document:
    return {
        **fields,
        "status": CampaignStatus.DRAFT.value,
        "createdAt": now,
        "updatedAt": now,
        "startedAt": None,
        "completedAt": None,
    }


def combinations(factors: list[Document]) -> list[list[str]]:
    """Every combination of the factors' levels, the first level of each first (the control)."""
    return [list(levels) for levels in product(*(factor["levels"] for factor in factors))]


def factorial_key(levels: list[str]) -> str:
    return "_".join(levels)
