"""Forecasting methods, each vectorised over many series of one length.

Every method takes ``y`` of shape (series, periods), a horizon ``h`` and the seasonal period
``m``, and returns a :class:`Fit`: per series a point forecast, the 80% and 95% prediction
intervals, and a description of the model. Series of one forecast share their periods, so a
method fits a thousand series in the numpy operations it would spend on one.

- ``seasonal_naive``: next season = last season (the benchmark); naive when the history is
  shorter than a season.
- ``ets`` (its own module): exponential smoothing, its form chosen per series by AICc.
- ``tsb``: Teunter-Syntetos-Babai for intermittent demand: the chance of a sale and the size
  of a sale smoothed apart; intervals from that mixture.
- ``regression``: least squares on a trend and seasonal dummies (Fourier terms for m > 24).

Intervals are analytic (ordinary least squares prediction intervals for the regression);
none of them counts the uncertainty of the estimated parameters, so they run a little narrow
on short histories. Non-negative data get non-negative forecasts and bounds.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import stats

Array = NDArray[np.float64]

# Quantiles of every interval, in the order the bounds are stored: lower95 lower80 upper80 upper95.
QUANTILES = (0.025, 0.10, 0.90, 0.975)
_Z = np.array([stats.norm.ppf(q) for q in QUANTILES])
MAX_SEASONAL_ETS = 24  # longer seasons have too many states for smoothing; see the regression
INTERMITTENT_ADI = 1.32  # Syntetos-Boylan: a sale less often than every 1.32 periods


@dataclass
class Fit:
    """Forecasts of a batch of series by one method."""

    mean: Array  # (n, h)
    bounds: Array  # (n, h, 4): QUANTILES
    names: list[str]


def normal_bounds(mean: Array, sd: Array) -> Array:
    bounds: Array = mean[:, :, None] + sd[:, :, None] * _Z[None, None, :]
    return bounds


def non_negative(y: Array, fit: Fit) -> Fit:
    """Demand is never negative: clip forecasts of non-negative rows at zero."""
    rows = (y >= 0).all(axis=1)
    fit.mean[rows] = np.maximum(fit.mean[rows], 0.0)
    fit.bounds[rows] = np.maximum(fit.bounds[rows], 0.0)
    return fit


# --- seasonal naive ------------------------------------------------------------------------


def seasonal_naive(y: Array, h: int, m: int) -> Fit:
    """Each future period repeats the same period of the last season; with less than a season
    and a period of history, the last value (naive)."""
    n, periods = y.shape
    lag = m if periods > m else 1
    steps = np.arange(h)
    if periods < 2:
        mean = np.repeat(y[:, -1:], h, axis=1)
        return Fit(mean, normal_bounds(mean, np.zeros((n, h))), ["NAIVE"] * n)
    mean = y[:, periods - lag + steps % lag]
    residuals = y[:, lag:] - y[:, :-lag]
    sigma = np.sqrt(np.mean(residuals**2, axis=1))
    sd = sigma[:, None] * np.sqrt(steps // lag + 1)[None, :]
    name = f"SEASONAL_NAIVE(m={lag})" if lag > 1 else "NAIVE"
    return non_negative(y, Fit(mean, normal_bounds(mean, sd), [name] * n))


# --- intermittent demand -------------------------------------------------------------------

TSB_RATES = (0.02, 0.05, 0.1, 0.2, 0.35, 0.5)


def intermittent(y: Array) -> NDArray[np.bool_]:
    """Series with a sale less often than every 1.32 periods on average (and at least one)."""
    sold = (y > 0).sum(axis=1)
    found: NDArray[np.bool_] = (sold > 0) & (sold * INTERMITTENT_ADI < y.shape[1])
    return found


def tsb(y: Array, h: int, m: int) -> Fit:
    """Teunter-Syntetos-Babai: the chance of a sale (updated every period, so demand that dies
    out fades) times the size of a sale (updated when one happens); a flat forecast.
    Rates chosen per series by one-step squared error over a grid."""
    n, periods = y.shape
    rates = np.array(list(itertools.product(TSB_RATES, TSB_RATES)))  # (C, 2): size, chance
    size_rate, chance_rate = rates[None, :, 0], rates[None, :, 1]
    sold = y > 0
    counts = np.maximum(sold.sum(axis=1), 1)
    size0 = np.where(sold, y, 0.0).sum(axis=1) / counts
    chance0 = sold.mean(axis=1)
    size = np.repeat(size0[:, None], len(rates), axis=1)
    chance = np.repeat(chance0[:, None], len(rates), axis=1)
    sse = np.zeros_like(size)
    for t in range(periods):
        error = y[:, t, None] - chance * size
        sse += error * error
        hit = sold[:, t, None]
        chance = chance + chance_rate * (hit - chance)
        size = np.where(hit, size + size_rate * (y[:, t, None] - size), size)
    pick = np.argmin(sse, axis=1)
    rows = np.arange(n)
    p, z = chance[rows, pick], size[rows, pick]
    mean = np.repeat((p * z)[:, None], h, axis=1)
    bounds = np.zeros((n, h, len(QUANTILES)))
    for i in range(n):
        sizes = y[i, sold[i]]
        if not len(sizes):
            continue
        sizes = sizes * (z[i] / sizes.mean())
        for q, quantile in enumerate(QUANTILES):
            beyond = quantile - (1.0 - p[i])
            if beyond > 0:
                bounds[i, :, q] = np.quantile(sizes, min(beyond / p[i], 1.0))
    names = [f"TSB(size={rates[k, 0]:g}, chance={rates[k, 1]:g})" for k in pick]
    return Fit(mean, bounds, names)


# --- regression on trend and season --------------------------------------------------------

FOURIER_PAIRS = 4


def _design(periods: int, start: int, count: int, m: int, seasonal: str) -> Array:
    t = np.arange(start, start + count, dtype=np.float64)
    columns = [np.ones(count), t / max(periods, 1)]
    if seasonal == "dummies":
        for j in range(1, m):
            columns.append((t % m == j).astype(np.float64))
    elif seasonal == "fourier":
        for k in range(1, FOURIER_PAIRS + 1):
            columns += [np.sin(2 * math.pi * k * t / m), np.cos(2 * math.pi * k * t / m)]
    return np.column_stack(columns)


def _regression_terms(periods: int, m: int) -> str:
    if m > MAX_SEASONAL_ETS and periods >= m + 2 * FOURIER_PAIRS + 4:
        return "fourier"
    if 1 < m <= MAX_SEASONAL_ETS and periods >= m + 4:
        return "dummies"
    return "none"


def regression_applies(y: Array, m: int) -> NDArray[np.bool_]:
    """Regular series with a few periods more than the trend needs (intermittent ones: TSB)."""
    applies: NDArray[np.bool_] = ~intermittent(y) & (y.shape[1] >= 5)
    return applies


def regression(y: Array, h: int, m: int) -> Fit:
    """Least squares on a constant, a linear trend and the season (dummies, or Fourier terms
    for long seasons); t-distribution prediction intervals."""
    n, periods = y.shape
    terms = _regression_terms(periods, m)
    x = _design(periods, 0, periods, m, terms)
    future = _design(periods, periods, h, m, terms)
    coef, *_ = np.linalg.lstsq(x, y.T, rcond=None)
    residuals = y - (x @ coef).T
    freedom = max(periods - x.shape[1], 1)
    sigma2 = (residuals**2).sum(axis=1) / freedom
    inverse = np.linalg.pinv(x.T @ x)
    leverage = np.einsum("ij,jk,ik->i", future, inverse, future)
    mean = (future @ coef).T
    sd = np.sqrt(sigma2[:, None] * (1.0 + leverage[None, :]))
    quantiles = np.array([stats.t.ppf(q, freedom) for q in QUANTILES])
    bounds = mean[:, :, None] + sd[:, :, None] * quantiles[None, None, :]
    label = {
        "dummies": f"trend + {m - 1} seasonal dummies",
        "fourier": f"trend + {FOURIER_PAIRS} Fourier pairs (m={m})",
        "none": "trend",
    }[terms]
    return non_negative(y, Fit(mean, bounds, [f"REGRESSION({label})"] * n))
