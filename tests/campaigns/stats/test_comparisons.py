"""Comparisons on awkward data: every number finite or None, and None exactly where undefined."""

from __future__ import annotations

import math
from dataclasses import fields

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.campaigns.stats import (
    Arm,
    Comparison,
    StatsWarning,
    compare_conversion,
    compare_revenue,
)


def assert_finite(result: Comparison) -> None:
    for field in fields(result):
        value = getattr(result, field.name)
        if isinstance(value, float):
            assert math.isfinite(value), f"{field.name} = {value}"
    for p in (result.p_value, result.chance_to_beat_control, result.sequential_p_value):
        assert p is None or 0.0 <= p <= 1.0


def both(control: Arm, treatment: Arm) -> list[Comparison]:
    return [compare_conversion(control, treatment), compare_revenue(control, treatment)]


def test_an_arm_with_no_exposures_gives_means_and_nothing_else() -> None:
    for control, treatment in [(Arm(0, 0), Arm(100, 5, 50.0, 900.0)), (Arm(0, 0), Arm(0, 0))]:
        for result in both(control, treatment):
            assert_finite(result)
            assert result.warning is StatsWarning.EMPTY_ARM
            assert result.p_value is None
            assert result.sequential_significant is False


def test_no_conversions_in_either_arm_is_not_a_test() -> None:
    for result in both(Arm(1000, 0), Arm(1000, 0)):
        assert_finite(result)
        assert result.absolute_lift == 0
        assert result.relative_lift is None
        assert result.p_value is None
        assert result.warning is StatsWarning.ZERO_VARIANCE
        assert (result.absolute_ci_low, result.absolute_ci_high) == (0.0, 0.0)


def test_control_mean_zero_leaves_the_relative_lift_undefined_but_tests_the_difference() -> None:
    result = compare_conversion(Arm(1000, 0), Arm(1000, 12))
    assert_finite(result)
    assert result.relative_lift is None
    assert result.ci_low is None
    assert result.ci_high is None
    assert result.chance_to_beat_control is None
    assert result.sequential_ci_low is None
    assert result.p_value is not None
    assert result.p_value < 0.001
    assert result.absolute_ci_low > 0
    assert result.warning is StatsWarning.ZERO_CONTROL_MEAN
    # The always-valid interval on the absolute lift still answers.
    assert result.sequential_absolute_ci_low is not None
    assert result.sequential_absolute_ci_high is not None
    assert result.sequential_absolute_ci_low < result.absolute_lift
    assert result.sequential_absolute_ci_low < result.absolute_ci_low


def test_a_treatment_that_never_converts_gets_no_zero_width_relative_interval() -> None:
    result = compare_conversion(Arm(1000, 40), Arm(1000, 0))
    assert_finite(result)
    assert result.relative_lift == -1.0
    assert result.ci_low is None
    assert result.relative_std_error is None
    assert result.p_value is not None
    assert result.p_value < 1e-6


def test_one_customer_per_arm() -> None:
    conversion = compare_conversion(Arm(1, 1, 20.0, 400.0), Arm(1, 0))
    assert_finite(conversion)
    # The pooled z-test is defined (and far from significant); the unpooled interval is not.
    assert conversion.p_value == pytest.approx(0.157299, abs=1e-6)
    assert conversion.warning is StatsWarning.ZERO_VARIANCE
    revenue = compare_revenue(Arm(1, 1, 20.0, 400.0), Arm(1, 0))
    assert_finite(revenue)
    assert revenue.warning is StatsWarning.EMPTY_ARM
    assert revenue.p_value is None


def test_revenue_that_does_not_vary_is_not_a_test() -> None:
    # Everyone spent exactly 10 in both arms.
    result = compare_revenue(Arm(50, 50, 500.0, 5000.0), Arm(40, 40, 400.0, 4000.0))
    assert_finite(result)
    assert result.relative_lift == 0.0
    assert result.p_value is None
    assert result.warning is StatsWarning.ZERO_VARIANCE


def test_every_customer_converting_in_both_arms_is_not_a_test() -> None:
    result = compare_conversion(Arm(300, 300), Arm(200, 200))
    assert_finite(result)
    assert result.p_value is None
    assert result.warning is StatsWarning.ZERO_VARIANCE


def test_revenue_with_variance_in_one_arm_only_uses_that_arm() -> None:
    result = compare_revenue(Arm(100, 0, 0.0, 0.0), Arm(100, 10, 500.0, 30000.0))
    assert_finite(result)
    assert result.p_value is not None
    assert result.degrees_of_freedom == pytest.approx(99)
    assert result.relative_lift is None  # the control earned nothing


def test_impossible_arms_are_refused() -> None:
    with pytest.raises(ValueError, match="conversions"):
        Arm(10, 11)
    with pytest.raises(ValueError, match="conversions"):
        Arm(-1, 0)
    with pytest.raises(ValueError, match="finite"):
        Arm(10, 1, math.nan, 0.0)
    with pytest.raises(ValueError, match="negative"):
        Arm(10, 1, 5.0, -1.0)


def test_a_clear_winner_is_significant_on_every_reading() -> None:
    result = compare_conversion(Arm(20000, 1000), Arm(20000, 1300))
    assert result.p_value is not None
    assert result.p_value < 1e-6
    assert result.sequential_significant
    assert result.chance_to_beat_control is not None
    assert result.chance_to_beat_control > 0.999
    assert result.ci_low is not None
    assert result.sequential_ci_low is not None
    # Always-valid intervals are wider than fixed-horizon ones.
    assert result.sequential_ci_low < result.ci_low


@st.composite
def arms(draw: st.DrawFn) -> Arm:
    exposed = draw(st.integers(0, 10**7))
    conversions = draw(st.integers(0, exposed))
    values = st.floats(0, 1e6, allow_nan=False)
    mean, spread = draw(values), draw(values)
    revenue = mean * conversions
    return Arm(exposed, conversions, revenue, revenue * mean + spread * conversions)


@settings(max_examples=300, deadline=None)
@given(arms(), arms())
def test_no_comparison_ever_returns_nan_or_infinity(control: Arm, treatment: Arm) -> None:
    for result in both(control, treatment):
        assert_finite(result)
        low, high = result.absolute_ci_low, result.absolute_ci_high
        assert low <= result.absolute_lift <= high
