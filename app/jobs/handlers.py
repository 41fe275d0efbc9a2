"""Which handler runs which kind of job."""

from __future__ import annotations

from app.imports.job import run_import
from app.jobs.context import Handler
from app.jobs.models import JobKind
from app.segmentation.job import run_segmentation
from app.tagging.jobs import run_feedback_tagging, run_tagger_training, run_topic_discovery

HANDLERS: dict[JobKind, Handler] = {
    JobKind.SEGMENTATION: run_segmentation,
    JobKind.IMPORT: run_import,
    JobKind.FEEDBACK_TAGGING: run_feedback_tagging,
    JobKind.TAGGER_TRAINING: run_tagger_training,
    JobKind.TOPIC_DISCOVERY: run_topic_discovery,
}
