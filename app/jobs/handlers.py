"""Which handler runs which kind of job."""

from __future__ import annotations

from app.imports.job import run_import
from app.jobs.context import Handler
from app.jobs.models import JobKind
from app.segmentation.job import run_segmentation

HANDLERS: dict[JobKind, Handler] = {
    JobKind.SEGMENTATION: run_segmentation,
    JobKind.IMPORT: run_import,
}
