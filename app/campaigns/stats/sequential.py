"""Always-valid inference: an asymptotic confidence sequence for a lift.

The confidence sequence of Waudby-Smith, Arbour, Sinha, Kennedy and Ramdas, "Time-uniform
central limit theory and asymptotic confidence sequences" (Annals of Statistics, 2024;
https://arxiv.org/abs/2103.06476, v7): with n the units observed so far and σ² the per-unit
variance of the estimator (σ² = SE² · n),

    halfwidth = σ · sqrt( 2(nρ² + 1) / (n²ρ²) · log( sqrt(nρ² + 1) / α ) )        (eq. 9)

holds the true lift at every n at once with probability ≥ 1 − α (asymptotically), so a
campaign may be read every day and stopped the day the interval leaves 0. ρ tunes where the
sequence is tightest; choosing it for a planned sample size N* (eq. 161) gives

    ρ = sqrt( (−2 log α + log(−2 log α + 1)) / N* ).

The matching always-valid p-value is 1 / e-value (eq. 155), with S = estimate² · n / SE²:

    p = min(1, sqrt(nρ² + 1) · exp(−ρ² S / (2(nρ² + 1)))).

This is how GrowthBook applies it (``packages/stats/gbstats/frequentist/tests.py``:
``sequential_rho``, ``sequential_interval_halfwidth``, ``SequentialTwoSidedTTest``), with n the
customers in both arms and the tuning parameter N* defaulting to 5,000.
"""

from __future__ import annotations

import numpy as np

from app.campaigns.stats.moments import ArrayLike, FloatArray

DEFAULT_TUNING = 5000.0


def rho(alpha: float, tuning: float) -> float:
    """The mixing spread that makes the sequence tightest near ``tuning`` units (eq. 161)."""
    log_term = -2 * np.log(alpha)
    return float(np.sqrt((log_term + np.log(log_term + 1)) / tuning))


def halfwidth(se: ArrayLike, n: ArrayLike, *, alpha: float, tuning: float) -> FloatArray:
    """Half the width of the confidence sequence around the estimate (eq. 9)."""
    r2 = rho(alpha, tuning) ** 2
    n_ = np.asarray(n, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        s2 = np.asarray(se, dtype=np.float64) ** 2 * n_
        spread = n_ * r2 + 1
        return np.sqrt(s2 * 2 * spread / (n_**2 * r2) * np.log(np.sqrt(spread) / alpha))


def p_value(
    estimate: ArrayLike, se: ArrayLike, n: ArrayLike, *, alpha: float, tuning: float
) -> FloatArray:
    """The always-valid p-value for "the lift is 0" (eq. 155), computed in log space."""
    r2 = rho(alpha, tuning) ** 2
    n_ = np.asarray(n, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        statistic = np.asarray(estimate, dtype=np.float64) ** 2 * n_ / np.asarray(se) ** 2
        spread = n_ * r2 + 1
        log_p = 0.5 * np.log(spread) - r2 * statistic / (2 * spread)
        return np.asarray(np.exp(np.minimum(log_p, 0.0)), dtype=np.float64)
