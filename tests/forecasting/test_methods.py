"""The models on series whose structure is known: the backtest picks a model of that
structure, the forecasts beat seasonal naive, and the intervals hold about 80% and 95% of the
held-back periods. Each case is 200 independent series (one per seed, fitted together)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from app.forecasting import backtest, methods
from app.forecasting.backtest import SeriesForecast

SERIES, PERIODS, HORIZON, M = 200, 48, 12, 12
T = np.arange(PERIODS + HORIZON)


def noise(rng: np.random.Generator, sd: float) -> np.ndarray:
    return rng.normal(0, sd, (SERIES, len(T)))


CASES: dict[str, Callable[[np.random.Generator], np.ndarray]] = {
    "seasonal": lambda rng: 50 + 12 * np.sin(2 * np.pi * T / M) + noise(rng, 2),
    "trend": lambda rng: 20 + 0.8 * T + noise(rng, 2),
    "level": lambda rng: 30 + noise(rng, 3),
    "intermittent": lambda rng: (
        (rng.random((SERIES, len(T))) < 0.3) * (rng.poisson(4, (SERIES, len(T))) + 1.0)
    ),
}


def run(case: str, seed: int = 7) -> tuple[list[SeriesForecast], np.ndarray, np.ndarray]:
    y = CASES[case](np.random.default_rng(seed))
    train, held_back = y[:, :PERIODS], y[:, PERIODS:]
    return backtest.forecast(train, HORIZON, M), train, held_back


def mase(results: list[SeriesForecast], train: np.ndarray, held_back: np.ndarray) -> float:
    predicted = np.array([r.mean for r in results])
    errors = np.mean(np.abs(held_back - predicted), axis=1) / backtest.mase_scale(train, M)
    return float(errors.mean())


def naive_mase(train: np.ndarray, held_back: np.ndarray) -> float:
    fit = methods.seasonal_naive(train, HORIZON, M)
    return float(np.mean(np.mean(np.abs(held_back - fit.mean), axis=1)
                         / backtest.mase_scale(train, M)))  # fmt: skip


def share(results: list[SeriesForecast], test: Callable[[SeriesForecast], bool]) -> float:
    return sum(map(test, results)) / len(results)


def seasonal_model(r: SeriesForecast) -> bool:
    return (
        r.method == "SEASONAL_NAIVE"
        or "seasonal dummies" in r.model
        or (r.method == "ETS" and r.model.startswith("ETS(A,") and ",A)" in r.model)
    )


def trend_model(r: SeriesForecast) -> bool:
    return r.method == "REGRESSION" or r.model.startswith(("ETS(A,A,", "ETS(A,Ad,"))


def test_seasonality_is_found() -> None:
    results, train, held_back = run("seasonal")
    assert share(results, seasonal_model) >= 0.95
    assert mase(results, train, held_back) < naive_mase(train, held_back)


def test_a_trend_is_followed() -> None:
    results, train, held_back = run("trend")
    assert share(results, trend_model) >= 0.95
    assert mase(results, train, held_back) < 0.5 * naive_mase(train, held_back)


def test_a_flat_level_gets_simple_smoothing() -> None:
    results, train, held_back = run("level")
    assert share(results, lambda r: r.model.startswith("ETS(A,N,N)")) >= 0.7
    assert mase(results, train, held_back) < naive_mase(train, held_back)


def test_intermittent_demand_goes_to_tsb() -> None:
    results, train, held_back = run("intermittent")
    assert share(results, lambda r: r.method == "TSB") >= 0.6
    tsb = [i for i, r in enumerate(results) if r.method == "TSB"]
    assert all(r.mean.min() > 0 for r in results if r.method == "TSB")  # flat, never zero
    assert mase([results[i] for i in tsb], train[tsb], held_back[tsb]) < naive_mase(
        train[tsb], held_back[tsb]
    )


@pytest.mark.parametrize("case", sorted(CASES))
def test_intervals_hold_about_80_and_95_percent(case: str) -> None:
    covered80, covered95 = [], []
    for seed in (1, 2, 3):
        results, _, held_back = run(case, seed)
        bounds = np.array([r.bounds for r in results])
        covered80.append((held_back >= bounds[:, :, 1]) & (held_back <= bounds[:, :, 2]))
        covered95.append((held_back >= bounds[:, :, 0]) & (held_back <= bounds[:, :, 3]))
    print(case, np.mean(covered80), np.mean(covered95))
    assert 0.72 <= np.mean(covered80) <= 0.90
    assert 0.89 <= np.mean(covered95) <= 0.99
