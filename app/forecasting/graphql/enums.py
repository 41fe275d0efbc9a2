"""The forecasting enums as GraphQL shows them."""

from __future__ import annotations

import strawberry

from app.forecasting.models import ForecastInterval, ForecastLevel, ForecastMethod, ForecastUnit

strawberry.enum(ForecastInterval, description="The length of a forecast's periods.")
strawberry.enum(
    ForecastLevel, description="One series per product, or the shop's total (units, revenue)."
)
strawberry.enum(ForecastUnit, description="What a series counts: units sold, or revenue.")
strawberry.enum(
    ForecastMethod,
    description="The family of a series' model: SEASONAL_NAIVE (the benchmark: the same "
    "period of the last season), ETS (exponential smoothing), TSB (intermittent demand), "
    "REGRESSION (trend and season by least squares), ZERO (nothing sold in the history).",
)

__all__ = ["ForecastInterval", "ForecastLevel", "ForecastMethod", "ForecastUnit"]
