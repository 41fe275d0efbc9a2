"""The propensity filter (used by customers) and startPropensityTraining's input."""

from __future__ import annotations

from datetime import datetime

import strawberry

from app.graphql.inputs import filter_error
from app.propensity.graphql.enums import PropensityModel, PropensityTarget
from app.propensity.models import MAX_HORIZON_DAYS, MIN_HORIZON_DAYS


@strawberry.input(
    description="Customers scored by the target's active model: the `topPercent` most likely "
    "(by rank), those scoring at least `minScore`, or both."
)
class PropensityFilter:
    target: PropensityTarget
    min_score: float | None = strawberry.field(default=None, description="0 to 1.")
    top_percent: float | None = strawberry.field(default=None, description="Above 0, up to 100.")

    def check(self) -> None:
        """A filter that cannot mean anything is a GraphQL error with code INVALID_FILTER."""
        if self.min_score is not None and not 0 <= self.min_score <= 1:
            raise filter_error("propensity.minScore must be between 0 and 1.")
        if self.top_percent is not None and not 0 < self.top_percent <= 100:
            raise filter_error("propensity.topPercent must be above 0 and at most 100.")


@strawberry.input
class StartPropensityTrainingInput:
    target: PropensityTarget
    horizon_days: int = strawberry.field(
        description=f"Days after a cut-off in which the target is watched for "
        f"({MIN_HORIZON_DAYS}-{MAX_HORIZON_DAYS}); the history must span three of them."
    )
    as_of: datetime | None = strawberry.field(
        default=None,
        description="Score customers as of this time; default the newest order's time.",
    )
    model: PropensityModel = PropensityModel.AUTO
    idempotency_key: str | None = None
