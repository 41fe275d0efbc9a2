"""Exponential smoothing (ETS) with additive errors, vectorised over series of one length.

Trend none / additive / damped, seasonality none / additive (only for m <= 24, as R's
forecast::ets: longer seasons have too many states), on the data or on its logarithm
(positive series: multiplicative structure). The form is chosen per series by AICc (the log
forms' likelihood carries the Jacobian, so the two scales compare); the smoothing parameters
by least squares: the best point of a grid, then a pattern search, for all series at once.
Initial states come from a least-squares line and seasonal dummies on the first seasons.
Prediction intervals use the class 1 variances of Hyndman et al., *Forecasting with
Exponential Smoothing* (2008), ch. 6.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from app.forecasting.methods import (
    MAX_SEASONAL_ETS,
    Array,
    Fit,
    intermittent,
    non_negative,
    normal_bounds,
)

ALPHAS = (0.02, 0.08, 0.2, 0.35, 0.55, 0.8, 0.97)
SHARES = (0.02, 0.15, 0.5)  # beta as a share of alpha; gamma as a share of 1 - alpha
PHIS = (0.85, 0.93, 0.98)
PHI_LOW, PHI_HIGH = 0.8, 0.98
SEARCH_ROUNDS = 12
TREND_STEPS = 10  # a trend offset's unit: a tenth of the mean absolute change


@dataclass(frozen=True)
class Form:
    trend: str  # "N", "A" or "Ad"
    seasonal: bool

    @property
    def name(self) -> str:
        return f"ETS(A,{self.trend},{'A' if self.seasonal else 'N'})"

    @property
    def parameters(self) -> int:
        return 1 + (self.trend != "N") + self.seasonal + (self.trend == "Ad")


FORMS = tuple(Form(t, s) for s in (False, True) for t in ("N", "A", "Ad"))


def _sigmoid(u: Array) -> Array:
    out: Array = 1.0 / (1.0 + np.exp(-u))
    return out


def _logit(p: Array) -> Array:
    out: Array = np.log(p / (1.0 - p))
    return out


def _smoothing(form: Form, u: Array) -> tuple[Array, Array, Array, Array]:
    """alpha, beta, gamma, phi from unconstrained ``u`` (..., 4): 0 < beta < alpha,
    0 < gamma < 1 - alpha, 0.8 <= phi <= 0.98 (phi = 1 undamped)."""
    alpha = _sigmoid(u[..., 0])
    zero = np.zeros_like(alpha)
    beta = alpha * _sigmoid(u[..., 1]) if form.trend != "N" else zero
    gamma = (1.0 - alpha) * _sigmoid(u[..., 2]) if form.seasonal else zero
    if form.trend == "Ad":
        phi = PHI_LOW + (PHI_HIGH - PHI_LOW) * _sigmoid(u[..., 3])
    else:
        phi = np.ones_like(alpha)
    return alpha, beta, gamma, phi


def _grid(form: Form) -> Array:
    """Starting points of the search, in unconstrained coordinates (C, 4)."""
    shares = SHARES
    rows = itertools.product(
        ALPHAS,
        shares if form.trend != "N" else (0.5,),
        shares if form.seasonal else (0.5,),
        PHIS if form.trend == "Ad" else (0.5,),
    )
    points = []
    for alpha, b, g, phi in rows:
        phi_share = (phi - PHI_LOW) / (PHI_HIGH - PHI_LOW) if form.trend == "Ad" else 0.5
        points.append([alpha, b, g, min(max(phi_share, 0.01), 0.99)])
    unconstrained = _logit(np.array(points))
    return np.concatenate([unconstrained, np.zeros((len(points), 2))], axis=1)  # start offsets: 0


def _initial_states(y: Array, form: Form, m: int) -> tuple[Array, Array, Array]:
    """Level, trend and seasonal states before the first period: least squares of a line
    (plus seasonal dummies summing to zero) on the first seasons (or first ten periods)."""
    n, periods = y.shape
    k = min(periods, 3 * m) // m * m if form.seasonal else min(periods, 10)
    t = np.arange(1, k + 1, dtype=np.float64)
    columns = [np.ones(k), t] if form.trend != "N" else [np.ones(k)]
    if form.seasonal:
        season = np.arange(k) % m
        for j in range(1, m):
            columns.append((season == j).astype(np.float64) - (season == 0))
    x = np.column_stack(columns)
    coef, *_ = np.linalg.lstsq(x, y[:, :k].T, rcond=None)
    level = coef[0]
    trend = coef[1] if form.trend != "N" else np.zeros(n)
    seasonal = np.zeros((n, m if form.seasonal else 1))
    if form.seasonal:
        first = 2 if form.trend != "N" else 1
        others = coef[first : first + m - 1].T
        seasonal[:, 1:] = others
        seasonal[:, 0] = -others.sum(axis=1)
    return level, trend, seasonal


def _smooth(
    y: Array, form: Form, m: int, states: tuple[Array, Array, Array], scale: Array, u: Array
) -> tuple[Array, Array, Array, Array]:
    """Run the filter for C points ``u`` (n, C, 6) per series: smoothing parameters, and
    offsets of the initial level and trend in units of ``scale``; the sum of squared one-step
    errors and the final states."""
    alpha, beta, gamma, phi = _smoothing(form, u)
    n, c = alpha.shape
    level = states[0][:, None] + u[..., 4] * scale[:, None]
    trend = states[1][:, None] + u[..., 5] * (scale[:, None] / TREND_STEPS)
    seasonal = np.repeat(states[2][:, None, :], c, axis=1)
    sse = np.zeros((n, c))
    damped_trend = phi * trend
    for t in range(y.shape[1]):
        j = t % m if form.seasonal else 0
        expected = level + damped_trend
        error = y[:, t, None] - expected - seasonal[:, :, j]
        sse += error * error
        level = expected + alpha * error
        if form.trend != "N":
            trend = damped_trend + beta * error
            damped_trend = phi * trend
        if form.seasonal:
            seasonal[:, :, j] += gamma * error
    return sse, level, trend, seasonal


def _fit_form(y: Array, form: Form, m: int) -> tuple[Array, Array, tuple[Array, ...]]:
    """Least-squares smoothing parameters per series: the best grid point, then a pattern
    search in unconstrained coordinates. Returns (SSE, u, final states)."""
    states = _initial_states(y, form, m)
    n = y.shape[0]
    differences = np.abs(np.diff(y, axis=1))
    scale = np.maximum(differences.mean(axis=1) if y.shape[1] > 1 else 0.0, 1e-9)
    grid = _grid(form)
    u = np.broadcast_to(grid[None, :, :], (n, *grid.shape))
    sse = _smooth(y, form, m, states, scale, u)[0]
    best = u[np.arange(n), np.argmin(sse, axis=1)]
    best_sse = sse.min(axis=1)
    free = [0, 4] + [1, 5] * (form.trend != "N") + [2] * form.seasonal + [3] * (form.trend == "Ad")
    step = np.full(n, 0.7)
    for _ in range(SEARCH_ROUNDS):
        moves = np.zeros((2 * len(free), 6))
        for i, axis in enumerate(free):
            moves[2 * i, axis], moves[2 * i + 1, axis] = 1.0, -1.0
        tried = best[:, None, :] + step[:, None, None] * moves[None, :, :]
        sse = _smooth(y, form, m, states, scale, tried)[0]
        pick = np.argmin(sse, axis=1)
        better = sse[np.arange(n), pick] < best_sse
        best[better] = tried[better, pick[better]]
        best_sse = np.where(better, sse[np.arange(n), pick], best_sse)
        step = np.where(better, step, step / 2)
    final = _smooth(y, form, m, states, scale, best[:, None, :])
    return best_sse, best, tuple(s[:, 0] for s in final[1:])


def _forecast_form(
    form: Form, m: int, h: int, periods: int, fitted: tuple[Array, tuple[Array, ...]], sigma2: Array
) -> tuple[Array, Array]:
    """Point forecasts and their standard deviations (n, h) after ``periods`` periods."""
    u, (level, trend, seasonal) = fitted
    alpha, beta, gamma, phi = _smoothing(form, u)
    n = len(alpha)
    steps = np.arange(1, h + 1)
    if form.trend == "N":
        cumulative = np.zeros((n, h))
    else:
        cumulative = np.cumsum(phi[:, None] ** steps[None, :], axis=1)  # phi + ... + phi^k
    mean = level[:, None] + cumulative * trend[:, None]
    if form.seasonal:
        mean += seasonal[:, (periods + steps - 1) % m]
    # Var(k steps) = sigma2 (1 + c_1^2 + ... + c_{k-1}^2), c_j = alpha + beta phi_j + gamma [m | j]
    c = alpha[:, None] + beta[:, None] * cumulative[:, : h - 1]
    if form.seasonal:
        c = c + gamma[:, None] * (steps[: h - 1] % m == 0)[None, :]
    spread = np.concatenate([np.zeros((n, 1)), np.cumsum(c**2, axis=1)], axis=1)
    return mean, np.sqrt(sigma2[:, None] * (1.0 + spread))


def _ets_candidates(periods: int, m: int) -> list[Form]:
    """The forms a history this long supports: a season needs m <= 24 and two of them; every
    form needs more periods than parameters."""
    forms = []
    for form in FORMS:
        if form.seasonal and (m < 2 or m > MAX_SEASONAL_ETS or periods < 2 * m):
            continue
        if periods - _parameter_count(form, m) - 1 <= 0 or periods < 4:
            continue
        forms.append(form)
    return forms


def _parameter_count(form: Form, m: int) -> int:
    """Smoothing parameters, initial states and the variance, as R's forecast::ets counts."""
    return form.parameters + 1 + (form.trend != "N") + ((m - 1) if form.seasonal else 0) + 1


def applies(y: Array, m: int) -> NDArray[np.bool_]:
    """ETS is for regular demand; intermittent series go to TSB."""
    fits = bool(_ets_candidates(y.shape[1], m))
    return ~intermittent(y) & fits


def ets(y: Array, h: int, m: int) -> Fit:
    """The form with the lowest AICc per series, on the data or (positive series) its log."""
    n, periods = y.shape
    best_aicc = np.full(n, np.inf)
    mean = np.zeros((n, h))
    sd = np.zeros((n, h))
    names = ["ETS"] * n
    on_log = np.zeros(n, dtype=bool)
    positive = (y > 0).all(axis=1)
    scales = [(False, np.ones(n, dtype=bool))]
    if positive.any():
        scales.append((True, positive))
    for log_scale, rows in scales:
        data = np.log(y[rows]) if log_scale else y[rows]
        jacobian = 2.0 * np.log(y[rows]).sum(axis=1) if log_scale else 0.0
        for form in _ets_candidates(periods, m):
            sse, u, states = _fit_form(data, form, m)
            k = _parameter_count(form, m)
            floor = 1e-12 * (1.0 + np.mean(data**2, axis=1))
            sigma2 = np.maximum(sse / periods, floor)
            aicc = periods * np.log(sigma2) + 2 * k + 2 * k * (k + 1) / (periods - k - 1) + jacobian
            f_mean, f_sd = _forecast_form(
                form, m, h, periods, (u, states), np.maximum(sse / (periods - k), floor)
            )
            index = np.flatnonzero(rows)
            better = aicc < best_aicc[index]
            chosen = index[better]
            best_aicc[chosen] = aicc[better]
            mean[chosen], sd[chosen] = f_mean[better], f_sd[better]
            on_log[chosen] = log_scale
            for i in chosen:
                names[i] = form.name + (" on log scale" if log_scale else "")
    bounds = normal_bounds(mean, sd)
    mean[on_log] = np.exp(mean[on_log])  # the median: the log scale is symmetric
    bounds[on_log] = np.exp(bounds[on_log])
    return non_negative(y, Fit(mean, bounds, names))
