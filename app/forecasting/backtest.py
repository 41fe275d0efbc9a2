"""The per-series choice of method by rolling-origin backtest, and the final forecasts.

Each fold cuts the history at an origin, fits every method on the periods before it only,
forecasts the next ``window`` periods and scores them by MASE (the mean absolute error over
the in-sample mean absolute seasonal difference of the fold's own training periods, Hyndman &
Koehler 2006). The method with the lowest mean MASE over the folds wins; ties go to the
simpler one (the order of ``METHODS``). The winner is refitted on the whole history.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from app.forecasting import ets, methods
from app.forecasting.methods import Array, Fit

FOLDS = 3
MIN_TRAINING = 6  # periods before the first origin


@dataclass(frozen=True)
class Method:
    key: str  # a ForecastMethod value
    fit: Callable[[Array, int, int], Fit]
    applies: Callable[[Array, int], NDArray[np.bool_]]


def _everywhere(y: Array, m: int) -> NDArray[np.bool_]:
    return np.ones(y.shape[0], dtype=bool)


SEASONAL_NAIVE = Method("SEASONAL_NAIVE", methods.seasonal_naive, _everywhere)
METHODS = (
    SEASONAL_NAIVE,
    Method("TSB", methods.tsb, lambda y, m: methods.intermittent(y)),
    Method("REGRESSION", methods.regression, methods.regression_applies),
    Method("ETS", ets.ets, ets.applies),
)


@dataclass
class SeriesForecast:
    """One series' result: what ``ForecastSeries`` shows."""

    method: str
    model: str
    mean: Array  # (h,)
    bounds: Array  # (h, 4)
    mase: float | None
    smape: float | None
    naive_mase: float | None
    folds: int


def origins(periods: int, horizon: int, m: int) -> tuple[list[int], int]:
    """Fold origins (oldest first) and the window each fold scores: as long as the horizon,
    at most a season and a quarter of the history; origins half a window apart."""
    window = max(1, min(horizon, m if m > 1 else horizon, periods // 4))
    step = max(1, (window + 1) // 2)
    cuts = [periods - window - i * step for i in range(FOLDS)]
    return sorted(cut for cut in cuts if cut >= max(MIN_TRAINING, min(m + 2, periods // 2))), window


def mase_scale(train: Array, m: int) -> Array:
    """The in-sample mean absolute seasonal difference (lag 1 when there is no full season or
    the seasonal one is zero; the mean absolute value, then 1, as last resorts)."""
    scale = np.zeros(train.shape[0])
    if train.shape[1] > m > 1:
        scale = np.mean(np.abs(train[:, m:] - train[:, :-m]), axis=1)
    if train.shape[1] > 1:
        lag1 = np.mean(np.abs(np.diff(train, axis=1)), axis=1)
        scale = np.where(scale > 0, scale, lag1)
    scale = np.where(scale > 0, scale, np.mean(np.abs(train), axis=1))
    return np.where(scale > 0, scale, 1.0)


def smape(actual: Array, predicted: Array) -> Array:
    """Symmetric MAPE in percent (0 where both are 0)."""
    total = np.abs(actual) + np.abs(predicted)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(total > 0, 2.0 * np.abs(actual - predicted) / total, 0.0)
    result: Array = 100.0 * ratio.mean(axis=1)
    return result


def _fit_where(method: Method, y: Array, h: int, m: int) -> tuple[NDArray[np.bool_], Fit | None]:
    rows = method.applies(y, m)
    if not rows.any():
        return rows, None
    return rows, method.fit(y[rows], h, m)


def backtest(y: Array, horizon: int, m: int) -> tuple[Array, Array, int]:
    """MASE and sMAPE per series and method (n, methods), NaN where a method did not apply in
    any fold; and the number of folds."""
    n, periods = y.shape
    cuts, window = origins(periods, horizon, m)
    mase = np.full((len(cuts), n, len(METHODS)), np.nan)
    sym = np.full_like(mase, np.nan)
    for f, cut in enumerate(cuts):
        train, test = y[:, :cut], y[:, cut : cut + window]
        scale = mase_scale(train, m)
        for k, method in enumerate(METHODS):
            rows, fit = _fit_where(method, train, window, m)
            if fit is None:
                continue
            mase[f, rows, k] = np.mean(np.abs(test[rows] - fit.mean), axis=1) / scale[rows]
            sym[f, rows, k] = smape(test[rows], fit.mean)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a method that never applied: NaN
        return np.nanmean(mase, axis=0), np.nanmean(sym, axis=0), len(cuts)


def forecast(y: Array, horizon: int, m: int) -> list[SeriesForecast]:
    """Per series: the backtest's choice, refitted on the whole history, and its scores."""
    n, periods = y.shape
    results: list[SeriesForecast | None] = [None] * n
    silent = ~(y != 0).any(axis=1)
    if not folds_possible(periods, horizon, m):
        # Too short to choose: the benchmark itself, said so.
        fit = methods.seasonal_naive(y, horizon, m)
        for i in range(n):
            why = f"{fit.names[i]}: {periods} periods are too few for a backtest"
            results[i] = SeriesForecast(
                SEASONAL_NAIVE.key, why, fit.mean[i], fit.bounds[i], None, None, None, 0
            )
    else:
        mase, sym, folds = backtest(y, horizon, m)
        applicable = np.column_stack([method.applies(y, m) for method in METHODS])
        scores = np.where(applicable & np.isfinite(mase), mase, np.inf)
        choice = np.argmin(scores, axis=1)  # first of equals: the simpler method
        for k, method in enumerate(METHODS):
            rows = np.flatnonzero((choice == k) & ~silent)
            if not len(rows):
                continue
            fit = method.fit(y[rows], horizon, m)
            for j, i in enumerate(rows.tolist()):
                results[i] = SeriesForecast(
                    method.key,
                    fit.names[j],
                    fit.mean[j],
                    fit.bounds[j],
                    float(mase[i, k]),
                    float(sym[i, k]),
                    float(mase[i, 0]),
                    folds,
                )
    for i in np.flatnonzero(silent).tolist():
        results[i] = SeriesForecast(
            "ZERO",
            "ZERO: no sales in the history",
            np.zeros(horizon),
            np.zeros((horizon, len(methods.QUANTILES))),
            None,
            None,
            None,
            0,
        )
    return [result for result in results if result is not None]


def folds_possible(periods: int, horizon: int, m: int) -> bool:
    return bool(origins(periods, horizon, m)[0])


CHUNK = 500  # series per task: a task's arrays stay small, and tasks spread over processes
GROUPS = 12  # start times per history


@dataclass(frozen=True)
class Task:
    """Series that start together, for one call of ``forecast``."""

    rows: list[int]
    start: int


def tasks(y: Array) -> list[Task]:
    """Split the series by when they start, in chunks of at most ``CHUNK``. A series starts
    at its first sale (a product launched last month is not years of zero demand), moved
    on to the next twelfth of the history from the first sale of any series, so that the
    series of a forecast fall into a dozen lengths; never past its last period."""
    periods = y.shape[1]
    sold = y != 0
    first = np.where(sold.any(axis=1), sold.argmax(axis=1), periods)
    origin = int(first.min()) if len(first) and first.min() < periods else 0
    step = max(1, -(-(periods - origin) // GROUPS))
    starts = origin + -(-(first - origin) // step) * step
    starts = np.where(starts < periods, starts, np.minimum(first, periods - 1))
    starts = np.where(first == periods, origin, starts)  # never sold: the whole history
    found = []
    for start in np.unique(starts).tolist():
        rows = np.flatnonzero(starts == start).tolist()
        for i in range(0, len(rows), CHUNK):
            found.append(Task(rows[i : i + CHUNK], start))
    return found
