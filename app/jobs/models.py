"""Job kinds and statuses."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

from app.core.db import Document

TYPE_NAME = "Job"


class JobKind(Enum):
    IMPORT = "IMPORT"
    SEGMENTATION = "SEGMENTATION"
    FEEDBACK_TAGGING = "FEEDBACK_TAGGING"
    TAGGER_TRAINING = "TAGGER_TRAINING"
    TOPIC_DISCOVERY = "TOPIC_DISCOVERY"
    SALES_FORECAST = "SALES_FORECAST"
    CAMPAIGN_ASSIGNMENT = "CAMPAIGN_ASSIGNMENT"
    PROPENSITY_TRAINING = "PROPENSITY_TRAINING"
    BACKUP = "BACKUP"
    EXPORT = "EXPORT"


class JobStatus(Enum):
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


TERMINAL = frozenset({JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED})

MAX_ATTEMPTS = 3


def new_job(kind: JobKind, params: dict[str, Any], now: datetime) -> Document:
    """A job as queued: runnable now, no attempt made yet."""
    return {
        "kind": kind.value,
        "status": JobStatus.QUEUED.value,
        "params": params,
        "attempts": 0,
        "maxAttempts": MAX_ATTEMPTS,
        "progress": {"done": 0, "total": None, "message": None},
        "createdAt": now,
        "updatedAt": now,
        "runAt": now,
        "finishedAt": None,
        "workerId": None,
        "leaseUntil": None,
        "cancelRequested": False,
        "error": None,
        "result": None,
    }
