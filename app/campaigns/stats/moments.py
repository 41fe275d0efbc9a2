"""Vectorised building blocks: lifts, their standard errors, and the two-sided tests.

Every function takes numpy arrays (or floats) of matching shape and returns arrays, so the
same formulas serve one comparison (:mod:`.comparisons`) and ten thousand simulated ones
(:mod:`.simulation`). Degenerate inputs (a zero standard error, an empty arm) give NaN here,
silently; the callers turn NaN into ``None`` or "not significant".

References:

- Two-proportion z-test, pooled standard error under H0: Agresti, *Categorical Data
  Analysis* (3rd ed., 2013), §3.1.3; unpooled (Wald) interval for the difference, §3.1.2.
- Welch's t-test and the Welch–Satterthwaite degrees of freedom: B. L. Welch, "The
  generalization of 'Student's' problem when several different population variances are
  involved", *Biometrika* 34 (1947) 28–35; F. E. Satterthwaite, *Biometrics Bulletin* 2 (1946).
- Relative lift by the delta method, Var(Δ/μc) ≈ σt²/(nt μc²) + μt² σc²/(nc μc⁴) (the two arms
  independent): A. Deng et al., "Applying the Delta Method in Metric Analytics", KDD 2018,
  https://arxiv.org/abs/1803.06336; as GrowthBook's ``frequentist_variance`` computes it
  (``packages/stats/gbstats/utils.py``, ``variance_of_ratios`` with zero covariance).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy import stats

FloatArray = npt.NDArray[np.float64]
ArrayLike = FloatArray | float


def _quiet() -> np.errstate:
    """Division by zero is expected on degenerate arms; the NaN it makes is handled upstream."""
    return np.errstate(divide="ignore", invalid="ignore", over="ignore")


def absolute_se(var_c: ArrayLike, n_c: ArrayLike, var_t: ArrayLike, n_t: ArrayLike) -> FloatArray:
    """Unpooled standard error of the difference of two independent means."""
    with _quiet():
        return np.sqrt(np.asarray(var_c) / n_c + np.asarray(var_t) / n_t)


def relative_lift(
    mean_c: ArrayLike, var_c: ArrayLike, n_c: ArrayLike,
    mean_t: ArrayLike, var_t: ArrayLike, n_t: ArrayLike,
) -> tuple[FloatArray, FloatArray]:  # fmt: skip
    """(μt − μc)/|μc| and its delta-method standard error (Deng et al. 2018, §3)."""
    mc, mt = np.asarray(mean_c, dtype=np.float64), np.asarray(mean_t, dtype=np.float64)
    with _quiet():
        estimate = (mt - mc) / np.abs(mc)
        variance = np.asarray(var_t) / (n_t * mc**2) + mt**2 * np.asarray(var_c) / (n_c * mc**4)
        return estimate, np.sqrt(variance)


def pooled_z_p_value(x_c: ArrayLike, n_c: ArrayLike, x_t: ArrayLike, n_t: ArrayLike) -> FloatArray:
    """Two-sided p-value of the two-proportion z-test with the pooled standard error."""
    xc, nc = np.asarray(x_c, dtype=np.float64), np.asarray(n_c, dtype=np.float64)
    xt, nt = np.asarray(x_t, dtype=np.float64), np.asarray(n_t, dtype=np.float64)
    with _quiet():
        pooled = (xc + xt) / (nc + nt)
        se = np.sqrt(pooled * (1 - pooled) * (1 / nc + 1 / nt))
        z = (xt / nt - xc / nc) / se
        return np.asarray(2 * stats.norm.sf(np.abs(z)), dtype=np.float64)


def welch_df(var_c: ArrayLike, n_c: ArrayLike, var_t: ArrayLike, n_t: ArrayLike) -> FloatArray:
    """Welch–Satterthwaite degrees of freedom, (a + b)² / (a²/(nc−1) + b²/(nt−1))."""
    with _quiet():
        a = np.asarray(var_c) / n_c
        b = np.asarray(var_t) / n_t
        return np.asarray(
            (a + b) ** 2 / (a**2 / (np.asarray(n_c) - 1) + b**2 / (np.asarray(n_t) - 1))
        )


def two_sided_p(statistic: ArrayLike, df: ArrayLike | None = None) -> FloatArray:
    """Two-sided tail probability of a z (``df`` None) or t statistic."""
    s = np.abs(np.asarray(statistic, dtype=np.float64))
    if df is None:
        return np.asarray(2 * stats.norm.sf(s), dtype=np.float64)
    return np.asarray(2 * stats.t.sf(s, df), dtype=np.float64)


def critical_value(alpha: float, df: ArrayLike | None = None) -> FloatArray:
    """The two-sided 1 − α quantile of the normal (``df`` None) or of Student's t."""
    if df is None:
        return np.asarray(stats.norm.isf(alpha / 2), dtype=np.float64)
    return np.asarray(stats.t.isf(alpha / 2, df), dtype=np.float64)


def chance_to_beat(estimate: ArrayLike, se: ArrayLike) -> FloatArray:
    """P(lift > 0) under a flat prior: the posterior is N(estimate, se²), so Φ(estimate/se).

    This is GrowthBook's default ``EffectBayesianABTest`` (improper flat prior on the
    relative lift, ``packages/stats/gbstats/bayesian/tests.py``).
    """
    with _quiet():
        return np.asarray(stats.norm.cdf(np.asarray(estimate) / se), dtype=np.float64)
