"""Factorial campaigns: main effects and two-way interactions from per-cell sums.

A cell is one combination of factor levels. Both models use *simple coding* with level 0 of
each factor (the control) as reference: for a factor with k levels, level j ≥ 1 gets the column
1[level = j] − 1/k, and each two-way interaction the product of two such columns. With all
cells present this gives, on the model's scale,

- ``"tone=urgent"``: urgent minus the reference tone, averaged with equal weight over the
  levels of the other factors (the ANOVA main effect, not the effect at the other factors'
  reference levels as treatment coding would report);
- ``"tone=urgent×offer=10%"``: the difference of differences, (urgent, 10%) − (urgent, ref)
  − (ref, 10%) + (ref, ref).

(UCLA Statistical Consulting, "Coding systems for categorical variables in regression
analysis", simple coding; J. Fox, *Applied Regression Analysis and Generalized Linear Models*,
3rd ed., 2016, §8.2.) Wald tests: z = estimate / SE, two-sided normal p-values.

- Conversion: binomial GLM with logit link fitted by iteratively reweighted least squares on
  the aggregated cells (McCullagh & Nelder, *Generalized Linear Models*, 2nd ed., 1989, §2.5);
  estimates are log-odds ratios, SEs from the inverse Fisher information. A cell with no or
  only conversions makes the MLE infinite, so then 0.5 is added to every cell's conversions
  and non-conversions (Haldane–Anscombe correction; Agresti 2013, §3.1.1).
- Revenue: weighted least squares on the cell means, weight nc / sc² (sc² the cell's sample
  variance), Cov(β) = (XᵀWX)⁻¹: a heteroscedastic ANOVA. A cell with fewer than two customers
  or no variance takes the pooled within-cell variance.

When the cells do not identify the model (a combination no one was exposed to, nothing
varies) the result is an empty list, not a guess.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import numpy as np
from scipy import special, stats

from app.campaigns.stats.moments import FloatArray
from app.campaigns.stats.types import Effect

MAX_IRLS_STEPS = 50


def _levels(
    factors: Sequence[str], keys: Sequence[tuple[int, ...]], levels: Sequence[Sequence[str]] | None
) -> list[list[str]]:
    """Each factor's level names: the given ones, or the indices seen ("0", "1", ...)."""
    for key in keys:
        if len(key) != len(factors) or min(key, default=0) < 0:
            raise ValueError(f"cell {key} needs one level index >= 0 per factor of {factors}")
    if levels is not None:
        if len(levels) != len(factors):
            raise ValueError("levels needs one list of names per factor")
        names = [list(names) for names in levels]
    else:
        names = [[str(i) for i in range(max(k[f] for k in keys) + 1)] for f in range(len(factors))]
    for f, key in ((f, key) for key in keys for f in range(len(factors))):
        if key[f] >= len(names[f]):
            raise ValueError(f"cell {key}: factor {factors[f]} has no level {key[f]}")
    return names


def _design(
    factors: Sequence[str], keys: Sequence[tuple[int, ...]], names: list[list[str]]
) -> tuple[FloatArray, list[str]]:
    """Intercept, simple-coded main effects and two-way interactions, with the effects' names."""
    columns: list[FloatArray] = [np.ones(len(keys))]
    labels: list[str] = []
    main: list[list[tuple[FloatArray, str]]] = []
    for f, factor in enumerate(factors):
        k = len(names[f])
        index = np.array([key[f] for key in keys])
        main.append([((index == j) - 1.0 / k, f"{factor}={names[f][j]}") for j in range(1, k)])
    for terms in main:
        for column, label in terms:
            columns.append(column)
            labels.append(label)
    for first, second in combinations(main, 2):
        for column_a, label_a in first:
            for column_b, label_b in second:
                columns.append(column_a * column_b)
                labels.append(f"{label_a}×{label_b}")
    return np.column_stack(columns).astype(np.float64), labels


def _merge(
    cells: Sequence[tuple[tuple[int, ...], *tuple[float, ...]]],
) -> dict[tuple[int, ...], list[float]]:
    """Sums per distinct level combination (a combination listed twice is added up)."""
    merged: dict[tuple[int, ...], list[float]] = {}
    for key, *values in cells:
        sums = merged.setdefault(tuple(key), [0.0] * len(values))
        for i, value in enumerate(values):
            sums[i] += float(value)
    return merged


def _effects(labels: list[str], beta: FloatArray, information: FloatArray) -> list[Effect]:
    """Wald tests of every coefficient but the intercept; [] if the information is singular."""
    if np.linalg.matrix_rank(information) < information.shape[0]:
        return []
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        covariance = np.linalg.inv(information)
        errors = np.sqrt(np.clip(np.diag(covariance), 0.0, None))
    found: list[Effect] = []
    for label, estimate, error in zip(labels, beta[1:], errors[1:], strict=True):
        if not (np.isfinite(estimate) and np.isfinite(error)) or error == 0:
            return []
        p = float(2 * stats.norm.sf(abs(estimate / error)))
        found.append(Effect(label, float(estimate), float(error), p))
    return found


def _binomial_deviance(y: FloatArray, n: FloatArray, p: FloatArray) -> float:
    """Twice the negative log-likelihood, up to a constant (for step control)."""
    return float(-2 * np.sum(special.xlogy(y, p) + special.xlog1py(n - y, -p)))


def _irls(x: FloatArray, y: FloatArray, n: FloatArray) -> FloatArray:
    """Logistic MLE by iteratively reweighted least squares, started from the empirical rates
    (y + ½)/(n + 1) as McCullagh & Nelder §2.5 advise; a step that raises the deviance is
    halved, so the fit cannot run away."""
    mu = (y + 0.5) / (n + 1)
    eta = special.logit(mu)
    beta = np.zeros(x.shape[1])
    deviance = np.inf
    for _ in range(MAX_IRLS_STEPS):
        weight = n * mu * (1 - mu)
        working = eta + (y - n * mu) / weight
        candidate = np.linalg.lstsq(np.sqrt(weight)[:, None] * x, np.sqrt(weight) * working)[0]
        for _ in range(30):
            trial = _binomial_deviance(y, n, special.expit(x @ candidate))
            if trial <= deviance + 1e-12 or not np.isfinite(deviance):
                break
            candidate = (candidate + beta) / 2
        converged = np.isfinite(deviance) and abs(deviance - trial) < 1e-10 * (1 + abs(trial))
        beta, deviance = candidate, trial
        eta = x @ beta
        mu = np.clip(special.expit(eta), 1e-12, 1 - 1e-12)
        if converged:
            break
    return np.asarray(beta, dtype=np.float64)


def factorial_conversion(
    factors: Sequence[str],
    cells: Sequence[tuple[tuple[int, ...], int, int]],
    *,
    levels: Sequence[Sequence[str]] | None = None,
) -> list[Effect]:
    """Log-odds main effects and two-way interactions of a factorial conversion test.

    ``cells``: (level index per factor, exposed, conversions); ``levels`` optionally names each
    factor's levels (index 0 the reference), else effects are named by index ("tone=1").
    """
    merged = {k: v for k, v in _merge(cells).items() if v[0] > 0}
    if not merged:
        return []
    keys = list(merged)
    names = _levels(factors, keys, levels)
    x, labels = _design(factors, keys, names)
    n = np.array([merged[k][0] for k in keys])
    y = np.array([merged[k][1] for k in keys])
    if np.any(y > n) or np.any(y < 0):
        raise ValueError("a cell needs 0 <= conversions <= exposed")
    if np.linalg.matrix_rank(x) < x.shape[1]:
        return []
    if np.any(y == 0) or np.any(y == n):
        y, n = y + 0.5, n + 1.0
    beta = _irls(x, y, n)
    p = special.expit(x @ beta)
    information = x.T @ ((n * p * (1 - p))[:, None] * x)
    return _effects(labels, beta, information)


def factorial_revenue(
    factors: Sequence[str],
    cells: Sequence[tuple[tuple[int, ...], int, float, float]],
    *,
    levels: Sequence[Sequence[str]] | None = None,
) -> list[Effect]:
    """Main effects and two-way interactions on revenue per exposed customer (WLS ANOVA).

    ``cells``: (level index per factor, customers, sum of revenue, sum of squared revenue).
    Estimates are in revenue units: differences of cell means as the coding above describes.
    """
    merged = {k: v for k, v in _merge(cells).items() if v[0] > 0}
    if not merged:
        return []
    keys = list(merged)
    names = _levels(factors, keys, levels)
    x, labels = _design(factors, keys, names)
    n = np.array([merged[k][0] for k in keys])
    total = np.array([merged[k][1] for k in keys])
    squares = np.array([merged[k][2] for k in keys])
    if np.linalg.matrix_rank(x) < x.shape[1]:
        return []
    mean = total / n
    centred = np.clip(squares - total * mean, 0.0, None)
    dof = n - 1
    if dof.sum() <= 0 or centred.sum() <= 0:
        return []
    # Below rounding error (relative to the sum of squares) a cell's spread counts as none.
    varies = (dof > 0) & (centred > 1e-12 * squares)
    pooled = centred.sum() / dof.sum()
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        variance = np.where(varies, centred / np.maximum(dof, 1), pooled)
        weight = n / variance
        information = x.T @ (weight[:, None] * x)
        moments = x.T @ (weight * mean)
    if not (np.all(np.isfinite(information)) and np.all(np.isfinite(moments))):
        return []
    beta = np.linalg.lstsq(information, moments, rcond=None)[0]
    return _effects(labels, beta, information)
