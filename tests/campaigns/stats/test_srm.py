"""Sample-ratio mismatch: balanced splits pass, skewed ones are flagged."""

from __future__ import annotations

import pytest
from scipy import stats

from app.campaigns.stats import SRM_THRESHOLD, srm_p_value


def test_a_balanced_split_is_not_flagged() -> None:
    assert srm_p_value([5000, 5010], [0.5, 0.5]) > 0.5


def test_5000_against_5400_on_an_intended_half_split_is_flagged() -> None:
    # X² = 2 · 200² / 5200 = 15.38 on 1 degree of freedom.
    p = srm_p_value([5000, 5400], [0.5, 0.5])
    assert p < SRM_THRESHOLD
    assert p == pytest.approx(stats.chisquare([5000, 5400]).pvalue)


def test_unequal_weights_need_not_sum_to_one_and_match_scipy() -> None:
    observed = [2100, 3950, 4020]
    expected = stats.chisquare(observed, [10070 * 0.2, 10070 * 0.4, 10070 * 0.4]).pvalue
    assert srm_p_value(observed, [1, 2, 2]) == pytest.approx(expected)
    assert srm_p_value(observed, [1, 2, 2]) > SRM_THRESHOLD


def test_degenerate_splits() -> None:
    assert srm_p_value([0, 0], [0.5, 0.5]) == 1.0
    assert srm_p_value([10, 0], [1.0, 0.0]) == 1.0  # the unweighted arm is simply left out
    assert srm_p_value([10, 3], [1.0, 0.0]) == 0.0  # customers in an arm that should be empty


def test_bad_weights_are_refused() -> None:
    with pytest.raises(ValueError, match="one entry per variant"):
        srm_p_value([1, 2], [1.0])
    with pytest.raises(ValueError, match="non-negative"):
        srm_p_value([1, 2], [1.0, -0.5])
    with pytest.raises(ValueError, match="non-negative"):
        srm_p_value([1, 2], [0.0, 0.0])
