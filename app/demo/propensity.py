"""The demo's propensity models: REPURCHASE and CHURN over a 90-day horizon, every learner
compared (AUTO), queued for the worker as the demo's forecasts are."""

from __future__ import annotations

from datetime import UTC, datetime

from app.core.db import MongoDatabase
from app.core.errors import InputError
from app.jobs.models import JobKind
from app.jobs.service import JobService
from app.propensity.models import PropensityModel, PropensityTarget
from app.propensity.service import training_params

DEMO_HORIZON_DAYS = 90  # the demo's 18 months hold the three horizons a training needs


async def queue_propensity(db: MongoDatabase) -> int:
    """Queue one AUTO training per target, as of the newest demo order; how many (none when
    a tiny demo's history is shorter than three horizons)."""
    jobs = JobService(db)
    queued = 0
    for target in PropensityTarget:
        try:
            params = await training_params(
                db,
                target=target,
                horizon_days=DEMO_HORIZON_DAYS,
                as_of=None,
                model=PropensityModel.AUTO,
                now=datetime.now(UTC),
            )
        except InputError:
            continue
        await jobs.start(JobKind.PROPENSITY_TRAINING, params)
        queued += 1
    return queued
