"""Factorial models find the effects planted in simulated campaigns, and only those."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.campaigns.stats import Effect, factorial_conversion, factorial_revenue

SEED = 20261203
LEVELS = [["plain", "urgent"], ["none", "10%"]]


def simulate_conversion(
    main_a: float, main_b: float, interaction: float, n: int = 40000
) -> list[tuple[tuple[int, ...], int, int]]:
    """A 2×2 with log-odds β0 + βA·cA + βB·cB + βI·cA·cB, c = level − 1/2 (simple coding)."""
    rng = np.random.default_rng(SEED)
    cells: list[tuple[tuple[int, ...], int, int]] = []
    for a in (0, 1):
        for b in (0, 1):
            ca, cb = a - 0.5, b - 0.5
            logit = np.log(0.05 / 0.95) + main_a * ca + main_b * cb + interaction * ca * cb
            cells.append(((a, b), n, int(rng.binomial(n, 1 / (1 + np.exp(-logit))))))
    return cells


def by_name(effects: list[Effect]) -> dict[str, Effect]:
    return {effect.name: effect for effect in effects}


def test_a_planted_main_effect_is_found_and_the_absent_ones_are_not() -> None:
    effects = by_name(
        factorial_conversion(["tone", "offer"], simulate_conversion(0.3, 0, 0), levels=LEVELS)
    )
    assert list(effects) == ["tone=urgent", "offer=10%", "tone=urgent×offer=10%"]
    tone = effects["tone=urgent"]
    assert tone.p_value < 1e-6
    assert abs(tone.estimate - 0.3) < 3 * tone.std_error
    assert effects["offer=10%"].p_value > 0.05
    assert effects["tone=urgent×offer=10%"].p_value > 0.05


def test_a_planted_interaction_is_found_beside_its_main_effect() -> None:
    effects = by_name(
        factorial_conversion(["tone", "offer"], simulate_conversion(0.3, 0, 0.4), levels=LEVELS)
    )
    interaction = effects["tone=urgent×offer=10%"]
    assert interaction.p_value < 1e-3
    assert abs(interaction.estimate - 0.4) < 3 * interaction.std_error
    assert effects["tone=urgent"].p_value < 1e-6
    assert effects["offer=10%"].p_value > 0.05


def test_estimates_are_averaged_differences_of_the_cells_log_odds() -> None:
    cells = simulate_conversion(0.2, 0.1, 0.3, n=5000)
    logit = {key: np.log(y / (n - y)) for key, n, y in cells}
    effects = by_name(factorial_conversion(["a", "b"], cells))
    main_a = ((logit[1, 0] - logit[0, 0]) + (logit[1, 1] - logit[0, 1])) / 2
    twist = logit[1, 1] - logit[1, 0] - logit[0, 1] + logit[0, 0]
    assert effects["a=1"].estimate == pytest.approx(main_a, abs=1e-8)
    assert effects["a=1×b=1"].estimate == pytest.approx(twist, abs=1e-8)
    # Saturated model: the SE of a log-odds ratio is Woolf's sqrt(Σ 1/count) over the cells.
    woolf = np.sqrt(sum(1 / y + 1 / (n - y) for _, n, y in cells))
    assert effects["a=1×b=1"].std_error == pytest.approx(woolf, rel=1e-6)


def test_revenue_effects_on_a_three_by_two_design() -> None:
    # tone has three levels; only tone=2 adds revenue (+2), and tone=1 with offer=1 adds 3 more.
    rng = np.random.default_rng(SEED)
    cells: list[tuple[tuple[int, ...], int, float, float]] = []
    for a in (0, 1, 2):
        for b in (0, 1):
            mean = 10 + (2 if a == 2 else 0) + (3 if (a, b) == (1, 1) else 0)
            values = rng.normal(mean, 5 + 2 * b, 8000)
            cells.append(((a, b), len(values), float(values.sum()), float((values**2).sum())))
    levels = [["plain", "urgent", "friendly"], ["none", "10%"]]
    effects = by_name(factorial_revenue(["tone", "offer"], cells, levels=levels))
    assert set(effects) == {
        "tone=urgent", "tone=friendly", "offer=10%",
        "tone=urgent×offer=10%", "tone=friendly×offer=10%",
    }  # fmt: skip
    twist = effects["tone=urgent×offer=10%"]
    assert abs(twist.estimate - 3) < 3 * twist.std_error
    assert twist.p_value < 1e-6
    assert effects["tone=friendly×offer=10%"].p_value > 0.05
    assert abs(effects["tone=friendly"].estimate - 2) < 3 * effects["tone=friendly"].std_error
    # Averaged over offers, urgent is +1.5 and the offer is +1 (3 in one of three tones).
    assert abs(effects["tone=urgent"].estimate - 1.5) < 3 * effects["tone=urgent"].std_error
    assert abs(effects["offer=10%"].estimate - 1) < 3 * effects["offer=10%"].std_error


def test_three_factors_report_every_two_way_interaction() -> None:
    cells = [
        ((a, b, c), 1000, 50 + 10 * a + 5 * b + c) for a in (0, 1) for b in (0, 1) for c in (0, 1)
    ]
    names = [effect.name for effect in factorial_conversion(["a", "b", "c"], cells)]
    assert names == ["a=1", "b=1", "c=1", "a=1×b=1", "a=1×c=1", "b=1×c=1"]


def test_unidentified_designs_give_no_effects() -> None:
    missing_cell = [((0, 0), 100, 5), ((1, 0), 100, 7), ((0, 1), 100, 6)]
    assert factorial_conversion(["a", "b"], missing_cell) == []
    assert factorial_conversion(["a", "b"], []) == []
    assert factorial_conversion(["a", "b"], [((0, 0), 0, 0)]) == []
    one_each = [((a, b), 1, 10.0 * a, 100.0 * a) for a in (0, 1) for b in (0, 1)]
    assert factorial_revenue(["a", "b"], one_each) == []


def test_empty_and_full_cells_stay_finite() -> None:
    cells = [((0, 0), 50, 0), ((1, 0), 50, 3), ((0, 1), 50, 50), ((1, 1), 50, 1)]
    for effect in factorial_conversion(["a", "b"], cells):
        assert np.isfinite([effect.estimate, effect.std_error, effect.p_value]).all()
    flat = [((a, b), 20, 200.0, 2000.0) for a in (0, 1) for b in (0, 1)]  # nothing varies
    assert factorial_revenue(["a", "b"], flat) == []


def test_cells_that_do_not_fit_the_factors_are_refused() -> None:
    with pytest.raises(ValueError, match="one level index"):
        factorial_conversion(["a", "b"], [((0,), 10, 1)])
    with pytest.raises(ValueError, match="has no level"):
        factorial_conversion(["a"], [((2,), 10, 1)], levels=[["x", "y"]])


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 10**6), st.integers(0, 10**6), st.floats(0, 1e4), st.floats(0, 1e4)
        ),
        min_size=4,
        max_size=4,
    )
)
def test_factorial_effects_are_always_finite(values: list[tuple[int, int, float, float]]) -> None:
    keys = [(0, 0), (0, 1), (1, 0), (1, 1)]
    conversion = [(k, n, min(x, n)) for k, (n, x, _, _) in zip(keys, values, strict=True)]
    revenue = [(k, n, m * n, (m * m + s) * n) for k, (n, _, m, s) in zip(keys, values, strict=True)]
    for effect in factorial_conversion(["a", "b"], conversion) + factorial_revenue(
        ["a", "b"], revenue
    ):
        assert np.isfinite([effect.estimate, effect.std_error, effect.p_value]).all()


def test_a_sparse_cell_does_not_make_the_logistic_fit_run_away() -> None:
    # Found by the property above: three single-customer cells without a conversion.
    cells = [((0, 0), 1, 0), ((0, 1), 1, 0), ((1, 0), 1, 0), ((1, 1), 45, 0)]
    for effect in factorial_conversion(["a", "b"], cells):
        assert np.isfinite([effect.estimate, effect.std_error, effect.p_value]).all()
    # And one with spread at the edge of underflow: treated as no spread at all.
    tiny = [((0, 0), 1, 0.0, 0.0), ((0, 1), 1, 0.0, 0.0), ((1, 0), 1, 0.0, 0.0)]
    assert factorial_revenue(["a", "b"], [*tiny, ((1, 1), 2, 0.0, 2.2e-308)]) == []
