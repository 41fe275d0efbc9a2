"""A/A simulations: how often a test with no real difference is ever called significant when
it is read every day, with the fixed-horizon p-value and with the confidence sequence.

Each simulated test splits ``2 · per_day`` customers a day at random between two arms with the
same conversion rate (so the arms are ~``per_day`` each), and reads the cumulative results at
the end of every day. A test counts as a false positive if it is flagged on any day. All
tests and days are computed at once with the formulas of :mod:`.moments` and
:mod:`.sequential`, the same ones :mod:`.comparisons` uses for a single campaign.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

import app.campaigns.stats.moments as moments
import app.campaigns.stats.sequential as sequential
from app.campaigns.stats.moments import FloatArray
from app.campaigns.stats.sequential import DEFAULT_TUNING


def _daily_arms(
    rng: np.random.Generator, n_tests: int, days: int, per_day: int
) -> tuple[FloatArray, FloatArray]:
    """Cumulative exposed customers per test and day, control and treatment."""
    control = rng.binomial(2 * per_day, 0.5, size=(n_tests, days))
    treatment = 2 * per_day - control
    return np.cumsum(control, axis=1).astype(np.float64), np.cumsum(treatment, axis=1).astype(
        np.float64
    )


def _ever(flags: FloatArray | np.ndarray) -> float:
    """Share of tests flagged on at least one day."""
    return float(np.mean(np.any(flags, axis=1)))


Lift = Literal["relative", "absolute"]


def _sequential_flags(
    mean_c: FloatArray,
    var_c: FloatArray,
    n_c: FloatArray,
    mean_t: FloatArray,
    var_t: FloatArray,
    n_t: FloatArray,
    options: tuple[Lift, float, float],
) -> np.ndarray:
    """Where the confidence sequence on the relative (as :func:`compare_conversion` reports
    it) or the absolute lift excludes 0 (NaN: not flagged)."""
    lift, alpha, tuning = options
    if lift == "relative":
        estimate, se = moments.relative_lift(mean_c, var_c, n_c, mean_t, var_t, n_t)
    else:
        estimate, se = mean_t - mean_c, moments.absolute_se(var_c, n_c, var_t, n_t)
    width = sequential.halfwidth(se, n_c + n_t, alpha=alpha, tuning=tuning)
    with np.errstate(invalid="ignore"):
        return np.asarray((np.abs(estimate) > width) & (se > 0))


def aa_false_positive_rates(
    n_tests: int,
    days: int,
    per_day: int,
    rate: float,
    seed: int,
    *,
    alpha: float = 0.05,
    tuning: float = DEFAULT_TUNING,
    lift: Lift = "relative",
) -> tuple[float, float]:
    """(sequential, peeking) false-positive rates of a conversion-rate A/A test read daily.

    Sequential: the ``lift``'s confidence sequence excludes 0 on some day. Peeking: the
    pooled two-proportion z-test's p-value is below ``alpha`` on some day.
    """
    rng = np.random.default_rng(seed)
    n_c, n_t = _daily_arms(rng, n_tests, days, per_day)
    daily_c = np.diff(n_c, axis=1, prepend=0).astype(np.int64)
    daily_t = np.diff(n_t, axis=1, prepend=0).astype(np.int64)
    x_c = np.cumsum(rng.binomial(daily_c, rate), axis=1).astype(np.float64)
    x_t = np.cumsum(rng.binomial(daily_t, rate), axis=1).astype(np.float64)
    p_c, p_t = x_c / n_c, x_t / n_t
    flags = _sequential_flags(
        p_c, p_c * (1 - p_c), n_c, p_t, p_t * (1 - p_t), n_t, (lift, alpha, tuning)
    )
    p_values = moments.pooled_z_p_value(x_c, n_c, x_t, n_t)
    with np.errstate(invalid="ignore"):
        peeking = p_values < alpha
    return _ever(flags), _ever(peeking)


def _revenue_sums(
    rng: np.random.Generator, daily: np.ndarray, rate: float, order_mean: float, shape: float
) -> tuple[FloatArray, FloatArray]:
    """Cumulative sums of per-customer revenue and of its squares: each converting customer
    spends a Gamma(shape, order_mean / shape) amount, everyone else 0."""
    buyers = rng.binomial(daily, rate)
    amounts = rng.gamma(shape, order_mean / shape, size=int(buyers.sum()))
    cell = np.repeat(np.arange(buyers.size), buyers.ravel())
    total = np.bincount(cell, weights=amounts, minlength=buyers.size).reshape(buyers.shape)
    squares = np.bincount(cell, weights=amounts**2, minlength=buyers.size).reshape(buyers.shape)
    return np.cumsum(total, axis=1), np.cumsum(squares, axis=1)


def aa_revenue_false_positive_rates(
    n_tests: int,
    days: int,
    per_day: int,
    rate: float,
    seed: int,
    *,
    order_mean: float = 50.0,
    shape: float = 2.0,
    alpha: float = 0.05,
    tuning: float = DEFAULT_TUNING,
    lift: Lift = "relative",
) -> tuple[float, float]:
    """(sequential, peeking) false-positive rates for revenue per exposed customer: a share
    ``rate`` of customers buy, for a skewed Gamma amount; peeking uses Welch's t-test."""
    rng = np.random.default_rng(seed)
    n_c, n_t = _daily_arms(rng, n_tests, days, per_day)
    daily_c = np.diff(n_c, axis=1, prepend=0).astype(np.int64)
    daily_t = np.diff(n_t, axis=1, prepend=0).astype(np.int64)
    s_c, q_c = _revenue_sums(rng, daily_c, rate, order_mean, shape)
    s_t, q_t = _revenue_sums(rng, daily_t, rate, order_mean, shape)
    mean_c, mean_t = s_c / n_c, s_t / n_t
    var_c = np.clip(q_c - s_c * mean_c, 0, None) / (n_c - 1)
    var_t = np.clip(q_t - s_t * mean_t, 0, None) / (n_t - 1)
    flags = _sequential_flags(mean_c, var_c, n_c, mean_t, var_t, n_t, (lift, alpha, tuning))
    se = moments.absolute_se(var_c, n_c, var_t, n_t)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        p_values = moments.two_sided_p(
            (mean_t - mean_c) / se, moments.welch_df(var_c, n_c, var_t, n_t)
        )
        peeking = p_values < alpha
    return _ever(flags), _ever(peeking)
