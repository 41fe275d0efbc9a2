"""The comparisons reproduce published numbers.

GrowthBook's vectors are from its statistics package, growthbook/growthbook at commit
8f1db4456915a8e7b7faf23d5632ca7219d2f469, rounded there to 5 decimals (so the tolerance is
1e-5): ``packages/stats/tests/frequentist/test_tests.py`` (fixed-horizon and sequential
t-tests) and ``packages/stats/tests/bayesian/test_tests.py`` (chance to win). GrowthBook's
``SampleMeanStatistic(sum, sum_squares, n)`` is our ``Arm(n, 0, sum, sum_squares)`` and its
``ProportionStatistic(sum, n)`` our ``Arm(n, sum)``.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from app.campaigns.stats import Arm, compare_conversion, compare_revenue
from app.campaigns.stats.moments import welch_df

GB = 1e-5

# TestTwoSidedTTest.setUp
GB_CONTROL = Arm(exposed=3407, conversions=0, revenue=1396.87, revenue_squares=52377.9767)
GB_TREATMENT = Arm(exposed=3461, conversions=0, revenue=2422.7, revenue_squares=134698.29)


def test_welch_relative_lift_matches_growthbook_two_sided_ttest() -> None:
    # test_two_sided_ttest: expected=0.70732, ci=(-0.03526, 1.44989), stddev 0.37879
    result = compare_revenue(GB_CONTROL, GB_TREATMENT)
    assert result.relative_lift == pytest.approx(0.70732, abs=GB)
    assert result.ci_low == pytest.approx(-0.03526, abs=GB)
    assert result.ci_high == pytest.approx(1.44989, abs=GB)
    assert result.relative_std_error == pytest.approx(0.37879, abs=GB)
    # GrowthBook's relative p-value, pValue=0.06191, is t on the relative estimate / its SE.
    assert result.degrees_of_freedom is not None
    relative_t = 0.70732 / result.relative_std_error
    assert 2 * stats.t.sf(relative_t, result.degrees_of_freedom) == pytest.approx(0.06191, abs=GB)


def test_welch_absolute_lift_matches_growthbook_two_sided_ttest_absolute() -> None:
    # test_two_sided_ttest_absolute: expected=0.29, ci=(0.04538, 0.53462), stddev 0.12478,
    # pValue=0.02016
    result = compare_revenue(GB_CONTROL, GB_TREATMENT)
    assert result.absolute_lift == pytest.approx(0.29, abs=GB)
    assert result.absolute_ci_low == pytest.approx(0.04538, abs=GB)
    assert result.absolute_ci_high == pytest.approx(0.53462, abs=GB)
    assert result.absolute_std_error == pytest.approx(0.12478, abs=GB)
    assert result.p_value == pytest.approx(0.02016, abs=GB)


def test_conversion_relative_lift_matches_growthbook_binomial_ttest() -> None:
    # test_two_sided_ttest_binom: 14/28 vs 16/30, uplift mean 0.06667, stddev 0.2717,
    # ci=(-0.47767, 0.61101). GrowthBook scales the interval by a Welch t quantile; ours is
    # the z-test's normal quantile, so the re-derivation uses its t to meet its numbers.
    control, treatment = Arm(28, 14), Arm(30, 16)
    result = compare_conversion(control, treatment)
    assert result.relative_lift == pytest.approx(0.06667, abs=GB)
    assert result.relative_std_error == pytest.approx(0.2717, abs=GB)
    df = float(welch_df(0.25, 28, (16 / 30) * (14 / 30), 30))
    width = stats.t.isf(0.025, df) * result.relative_std_error
    assert 0.06667 - width == pytest.approx(-0.47767, abs=2 * GB)
    assert 0.06667 + width == pytest.approx(0.61101, abs=2 * GB)
    # Ours, with z: narrower, same centre.
    assert result.ci_low is not None
    assert result.ci_high is not None
    assert -0.47767 < result.ci_low < result.ci_high < 0.61101


def test_sequential_interval_matches_growthbook_sequential_test_runs() -> None:
    # test_sequential_test_runs: n 3000 vs 3461, tuning 1000: expected=0.50336,
    # ci=(-0.55844, 1.56516), stddev 0.33341, pValue=1
    control = Arm(exposed=3000, conversions=0, revenue=1396.87, revenue_squares=52377.9767)
    result = compare_revenue(control, GB_TREATMENT, tuning=1000)
    assert result.relative_lift == pytest.approx(0.50336, abs=GB)
    assert result.relative_std_error == pytest.approx(0.33341, abs=GB)
    assert result.sequential_ci_low == pytest.approx(-0.55844, abs=GB)
    assert result.sequential_ci_high == pytest.approx(1.56516, abs=GB)
    assert result.sequential_p_value == pytest.approx(1.0)
    assert result.sequential_significant is False


def test_sequential_interval_matches_growthbook_sequential_test_runs_prop() -> None:
    # test_sequential_test_runs_prop: 1396/3000 vs 2422/3461, default tuning 5000:
    # expected=0.50386, ci=(0.40098, 0.60675), stddev 0.03386, pValue=0.0
    result = compare_conversion(Arm(3000, 1396), Arm(3461, 2422))
    assert result.relative_lift == pytest.approx(0.50386, abs=GB)
    assert result.relative_std_error == pytest.approx(0.03386, abs=GB)
    assert result.sequential_ci_low == pytest.approx(0.40098, abs=GB)
    assert result.sequential_ci_high == pytest.approx(0.60675, abs=GB)
    assert result.sequential_p_value is not None
    assert result.sequential_p_value < 0.5e-5
    assert result.sequential_significant is True


def test_sequential_interval_is_tightest_near_the_tuning_sample_size() -> None:
    # test_sequential_test_tuning_as_expected: tuning 10 and 10,000 are both wider than 6,461
    # (the actual total sample size).
    control = Arm(exposed=3000, conversions=0, revenue=1396.87, revenue_squares=52377.9767)

    def width(tuning: float) -> float:
        result = compare_revenue(control, GB_TREATMENT, tuning=tuning)
        assert result.sequential_ci_low is not None
        assert result.sequential_ci_high is not None
        return result.sequential_ci_high - result.sequential_ci_low

    assert width(6461) < width(10000) < width(10)


def test_chance_to_beat_control_matches_growthbook_bayesian_binomial() -> None:
    # TestBinom.test_bayesian_binomial_ab_test: 49/100 vs 51/100: expected=0.04082,
    # stddev 0.14725, chanceToWin=0.60918
    result = compare_conversion(Arm(100, 49), Arm(100, 51))
    assert result.relative_lift == pytest.approx(0.04082, abs=GB)
    assert result.relative_std_error == pytest.approx(0.14725, abs=GB)
    assert result.chance_to_beat_control == pytest.approx(0.60918, abs=GB)


def test_chance_to_beat_control_matches_growthbook_bayesian_gaussian() -> None:
    # TestNorm.test_bayesian_gaussian_ab_test: SampleMeanStatistic(sum=100, sum_squares=1002.25,
    # n=10) vs (105, 1111.5, 10): expected=0.05, stddev 0.03572, chanceToWin=0.91923
    result = compare_revenue(Arm(10, 0, 100, 1002.25), Arm(10, 0, 105, 1111.5))
    assert result.relative_lift == pytest.approx(0.05, abs=GB)
    assert result.relative_std_error == pytest.approx(0.03572, abs=GB)
    assert result.chance_to_beat_control == pytest.approx(0.91923, abs=GB)


def test_two_proportion_z_test_matches_the_aspirin_textbook_example() -> None:
    # Physicians' Health Study, myocardial infarction: placebo 189 of 11,034, aspirin 104 of
    # 11,037. Agresti, An Introduction to Categorical Data Analysis (2nd ed., 2007), §2.2:
    # difference of proportions 0.0077 with 95% CI (0.005, 0.011), relative risk 1.82. The
    # pooled z-test's p-value is checked against scipy's Pearson X² (= z², 25.01 here).
    result = compare_conversion(Arm(11034, 189), Arm(11037, 104))
    assert result.absolute_lift == pytest.approx(-0.0077, abs=5e-5)
    assert result.absolute_ci_low == pytest.approx(-0.011, abs=5e-4)
    assert result.absolute_ci_high == pytest.approx(-0.005, abs=5e-4)
    assert result.relative_lift is not None
    assert 1 / (1 + result.relative_lift) == pytest.approx(1.82, abs=5e-3)
    table = np.array([[189, 11034 - 189], [104, 11037 - 104]])
    chi2, p = stats.chi2_contingency(table, correction=False)[:2]
    assert chi2 == pytest.approx(25.01, abs=5e-3)
    assert result.p_value == pytest.approx(p, rel=1e-9)


def test_welch_t_test_matches_scipy_ttest_ind_from_stats() -> None:
    # Two arms of revenue: means 12.5 and 14.0, standard deviations 4 and 9, n 40 and 25.
    control = _arm_from_moments(40, 12.5, 4.0)
    treatment = _arm_from_moments(25, 14.0, 9.0)
    result = compare_revenue(control, treatment)
    expected = stats.ttest_ind_from_stats(14.0, 9.0, 25, 12.5, 4.0, 40, equal_var=False)
    assert result.p_value == pytest.approx(expected.pvalue, rel=1e-9)
    assert result.absolute_std_error is not None
    assert result.absolute_lift / result.absolute_std_error == pytest.approx(
        expected.statistic, rel=1e-9
    )
    # Welch–Satterthwaite by hand: (a + b)² / (a²/39 + b²/24), a = 16/40, b = 81/25.
    a, b = 16 / 40, 81 / 25
    assert result.degrees_of_freedom == pytest.approx((a + b) ** 2 / (a**2 / 39 + b**2 / 24))


def _arm_from_moments(n: int, mean: float, sd: float) -> Arm:
    total = n * mean
    return Arm(n, 0, total, sd**2 * (n - 1) + total**2 / n)
