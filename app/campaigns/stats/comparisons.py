"""Treatment against control for one metric: conversion (z-test) or revenue (Welch's t).

Both comparisons report the absolute lift with a fixed-horizon interval and p-value, the
relative lift with a delta-method interval (:mod:`.moments`), a Bayesian chance to beat
control (flat prior, normal approximation on the relative lift, as GrowthBook's default), and
an always-valid confidence sequence on the relative lift (:mod:`.sequential`). The sequence is
put on the relative lift, as GrowthBook does, so the fixed and the sequential intervals
answer the same question; when the control mean is 0 the relative lift, and so the sequence,
is undefined (``sequential_significant`` is then False) and only the same sequence on the
absolute lift (``sequential_absolute_ci_*``) answers. On skewed revenue with few buyers the
relative sequence's A/A false-positive rate sits near alpha (ratio skew on the first days);
the absolute one stays well below (``scripts/eval/aa_simulation.py``).
"""

from __future__ import annotations

import math

import app.campaigns.stats.moments as moments
import app.campaigns.stats.sequential as sequential
from app.campaigns.stats.moments import FloatArray
from app.campaigns.stats.sequential import DEFAULT_TUNING
from app.campaigns.stats.types import Arm, Comparison, StatsWarning


def _finite(value: float | FloatArray) -> float | None:
    """A plain float, or ``None`` where numpy produced NaN or infinity."""
    number = float(value)
    return number if math.isfinite(number) else None


def _clip_p(value: float | None) -> float | None:
    return None if value is None else min(max(value, 0.0), 1.0)


def _interval(
    centre: float, quantile: float | None, se: float | None
) -> tuple[float, float] | None:
    """centre ± quantile · se, or ``None`` if any part is missing or the ends overflow."""
    if quantile is None or se is None:
        return None
    low, high = centre - quantile * se, centre + quantile * se
    return (low, high) if math.isfinite(low) and math.isfinite(high) else None


def _compare(
    control: Arm,
    treatment: Arm,
    means: tuple[float, float],
    variances: tuple[float, float],
    p_value: float | None,
    df: float | None,
    alpha: float,
    tuning: float,
) -> Comparison:
    """Everything but the p-value, which differs between the two tests."""
    (mean_c, mean_t), (var_c, var_t) = means, variances
    n_c, n_t = control.exposed, treatment.exposed
    lift = mean_t - mean_c
    abs_se = _finite(moments.absolute_se(var_c, n_c, var_t, n_t))
    warning = None
    if abs_se is None or abs_se == 0:
        # No spread within either arm. The p-value stands if the test defines one (the pooled
        # z-test does for 500/500 against 0/500); the interval cannot.
        warning, abs_se = StatsWarning.ZERO_VARIANCE, None
    quantile = _finite(moments.critical_value(alpha, df))
    abs_low, abs_high = _interval(lift, quantile, abs_se) or (lift, lift)
    n = n_c + n_t
    abs_width = None
    if abs_se is not None:
        abs_width = _finite(sequential.halfwidth(abs_se, n, alpha=alpha, tuning=tuning))
    seq_abs_low, seq_abs_high = _interval(lift, 1.0, abs_width) or (None, None)

    relative: float | None = None
    rel_se: float | None = None
    if mean_c == 0:
        warning = warning or StatsWarning.ZERO_CONTROL_MEAN
    else:
        estimate, se = moments.relative_lift(mean_c, var_c, n_c, mean_t, var_t, n_t)
        relative = _finite(estimate)
        rel_se = _finite(se)
        if rel_se == 0:
            # The delta method gives 0 when the treatment never converts (μt = σt = 0): an
            # interval of width 0 would claim certainty the data do not have.
            rel_se = None
            warning = warning or StatsWarning.ZERO_VARIANCE

    fixed = always = None
    seq_p = chance = None
    if relative is not None and rel_se is not None:
        fixed = _interval(relative, quantile, rel_se)
        chance = _clip_p(_finite(moments.chance_to_beat(relative, rel_se)))
        width = _finite(sequential.halfwidth(rel_se, n, alpha=alpha, tuning=tuning))
        always = _interval(relative, 1.0, width)
        seq_p = _clip_p(
            _finite(sequential.p_value(relative, rel_se, n, alpha=alpha, tuning=tuning))
        )
    ci_low, ci_high = fixed or (None, None)
    seq_low, seq_high = always or (None, None)
    return Comparison(
        control_mean=mean_c,
        treatment_mean=mean_t,
        absolute_lift=lift,
        relative_lift=relative,
        ci_low=ci_low,
        ci_high=ci_high,
        absolute_ci_low=abs_low,
        absolute_ci_high=abs_high,
        p_value=_clip_p(p_value),
        chance_to_beat_control=chance,
        sequential_ci_low=seq_low,
        sequential_ci_high=seq_high,
        sequential_significant=always is not None and (always[0] > 0 or always[1] < 0),
        absolute_std_error=abs_se,
        relative_std_error=rel_se,
        degrees_of_freedom=df,
        sequential_p_value=seq_p,
        sequential_absolute_ci_low=seq_abs_low,
        sequential_absolute_ci_high=seq_abs_high,
        warning=warning,
    )


def _empty(mean_c: float, mean_t: float) -> Comparison:
    """No test is possible: the means as they stand and nothing else."""
    lift = mean_t - mean_c
    relative = _finite(lift / abs(mean_c)) if mean_c else None
    return Comparison(
        control_mean=mean_c,
        treatment_mean=mean_t,
        absolute_lift=lift,
        relative_lift=relative,
        ci_low=None,
        ci_high=None,
        absolute_ci_low=lift,
        absolute_ci_high=lift,
        p_value=None,
        chance_to_beat_control=None,
        sequential_ci_low=None,
        sequential_ci_high=None,
        sequential_significant=False,
        warning=StatsWarning.EMPTY_ARM,
    )


def compare_conversion(
    control: Arm, treatment: Arm, *, alpha: float = 0.05, tuning: float = DEFAULT_TUNING
) -> Comparison:
    """Conversion rate: two-proportion z-test.

    The p-value uses the pooled standard error (the null says both rates are equal); the
    interval for the difference uses the unpooled one, sqrt(pc(1−pc)/nc + pt(1−pt)/nt)
    (Agresti 2013, §3.1). Per-customer variance is p(1 − p), as in GrowthBook's
    ``ProportionStatistic``.
    """
    mean_c, mean_t = control.conversion_rate, treatment.conversion_rate
    if control.exposed == 0 or treatment.exposed == 0:
        return _empty(mean_c, mean_t)
    p_value = _finite(
        moments.pooled_z_p_value(
            control.conversions, control.exposed, treatment.conversions, treatment.exposed
        )
    )
    variances = (mean_c * (1 - mean_c), mean_t * (1 - mean_t))
    return _compare(control, treatment, (mean_c, mean_t), variances, p_value, None, alpha, tuning)


def compare_revenue(
    control: Arm, treatment: Arm, *, alpha: float = 0.05, tuning: float = DEFAULT_TUNING
) -> Comparison:
    """Revenue per exposed customer: Welch's t-test (unequal variances).

    t = (ȳt − ȳc) / sqrt(sc²/nc + st²/nt) against Student's t with the Welch–Satterthwaite
    degrees of freedom (Welch 1947); the same quantile scales the relative lift's
    delta-method interval, as GrowthBook's ``TwoSidedTTest`` does. Needs two customers per arm.
    """
    mean_c, mean_t = control.revenue_per_exposed, treatment.revenue_per_exposed
    var_c, var_t = control.revenue_variance, treatment.revenue_variance
    if var_c is None or var_t is None:
        return _empty(mean_c, mean_t)
    df = _finite(moments.welch_df(var_c, control.exposed, var_t, treatment.exposed))
    se = _finite(moments.absolute_se(var_c, control.exposed, var_t, treatment.exposed))
    p_value = None
    if df is not None and se:
        p_value = _finite(moments.two_sided_p((mean_t - mean_c) / se, df))
    return _compare(
        control, treatment, (mean_c, mean_t), (var_c, var_t), p_value, df, alpha, tuning
    )
