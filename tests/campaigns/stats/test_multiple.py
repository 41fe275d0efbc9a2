"""Holm's step-down adjustment."""

from __future__ import annotations

import pytest

from app.campaigns.stats import holm


def test_holm_on_a_worked_example() -> None:
    # Sorted 0.005, 0.01, 0.03, 0.04 (m = 4) → 4·0.005, 3·0.01, 2·0.03, max(0.06, 1·0.04).
    assert holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])


def test_holm_keeps_none_and_does_not_count_it() -> None:
    assert holm([None, 0.01, None, 0.04]) == [None, pytest.approx(0.02), None, pytest.approx(0.04)]


def test_holm_caps_at_one_and_is_monotone() -> None:
    adjusted = holm([0.9, 0.5, 0.2])
    assert adjusted == pytest.approx([1.0, 1.0, 0.6])
    assert holm([]) == []
    assert holm([None]) == [None]
