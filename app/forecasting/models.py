"""Sales forecast documents: the run, one document per series, and the calendar's constants."""

from __future__ import annotations

from enum import Enum

from bson import ObjectId

TYPE_NAME = "SalesForecast"


class ForecastInterval(Enum):
    DAY = "DAY"
    WEEK = "WEEK"
    MONTH = "MONTH"


class ForecastLevel(Enum):
    TOTAL = "TOTAL"
    PRODUCT = "PRODUCT"


class ForecastUnit(Enum):
    UNITS = "UNITS"
    REVENUE = "REVENUE"


class ForecastMethod(Enum):
    SEASONAL_NAIVE = "SEASONAL_NAIVE"
    TSB = "TSB"
    REGRESSION = "REGRESSION"
    ETS = "ETS"
    ZERO = "ZERO"


# The season each interval's models look for: the week, the year, the year.
SEASON = {ForecastInterval.DAY: 7, ForecastInterval.WEEK: 52, ForecastInterval.MONTH: 12}
# A horizon of at most three years.
MAX_HORIZON = {ForecastInterval.DAY: 1095, ForecastInterval.WEEK: 156, ForecastInterval.MONTH: 36}
# How far back the history reaches: two years of days, three of weeks, five of months.
HISTORY = {ForecastInterval.DAY: 730, ForecastInterval.WEEK: 156, ForecastInterval.MONTH: 60}


def series_id(forecast_id: ObjectId, key: str) -> str:
    """One document per forecast and series (a product's ID, or the total's unit): a batch
    written twice finds its documents there."""
    return f"{forecast_id}:{key}"
