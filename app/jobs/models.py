"""Job kinds and statuses."""

from __future__ import annotations

from enum import Enum

TYPE_NAME = "Job"


class JobKind(Enum):
    IMPORT = "IMPORT"
    SEGMENTATION = "SEGMENTATION"
    FEEDBACK_TAGGING = "FEEDBACK_TAGGING"
    TAGGER_TRAINING = "TAGGER_TRAINING"
    TOPIC_DISCOVERY = "TOPIC_DISCOVERY"


class JobStatus(Enum):
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


TERMINAL = frozenset({JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED})
