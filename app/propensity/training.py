"""One training, start to end, off the event loop: the time split, the candidates, the choice,
the refit and every customer's score.

With ``h`` the horizon and ``T`` asOf: the learners fit on features at ``T - 2h`` with labels
from ``(T - 2h, T - h]``, and are judged on features at ``T - h`` with labels from
``(T - h, T]``: later customers' rows, never a row's own future. The chosen learner is then
refitted on that later, most recent labelled window and scores everyone as of ``T``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from bson import ObjectId
from numpy.typing import NDArray

from app.propensity import learners
from app.propensity.evaluation import baselines, measures
from app.propensity.features import DAY, Floats, Histories, features_at, labels
from app.propensity.models import LEARNERS, PropensityModel, PropensityTarget

MIN_CLASS = 20  # positives and negatives each, in both windows

OUTCOME = {PropensityTarget.REPURCHASE: "buy again", PropensityTarget.CHURN: "churn"}


class InsufficientData(Exception):
    """Too few positives or negatives to train or judge a model; the message has the counts."""


@dataclass(frozen=True)
class Training:
    """The model run's figures, and every scored customer with score and reasons."""

    summary: dict[str, Any]
    customer_ids: list[ObjectId]
    scores: Floats
    reasons: list[list[dict[str, Any]]]


def _window(
    h: Histories, cutoff: float, horizon: int, churn: bool
) -> tuple[Floats, NDArray[np.int64]]:
    people, x = features_at(h, cutoff, horizon)
    return x, labels(h, people, cutoff, horizon, churn)


def _check(name: str, y: NDArray[np.int64], target: PropensityTarget) -> str | None:
    positives = int(y.sum())
    negatives = int(y.size - positives)
    if positives >= MIN_CLASS and negatives >= MIN_CLASS:
        return None
    return (
        f"{name}: {positives} positives ({OUTCOME[target]}) and {negatives} negatives among "
        f"{y.size} customers"
    )


def train(
    h: Histories, as_of: float, horizon: int, target: PropensityTarget, model: PropensityModel
) -> Training:
    churn = target is PropensityTarget.CHURN
    span = horizon * DAY
    x_train, y_train = _window(h, as_of - 2 * span, horizon, churn)
    x_valid, y_valid = _window(h, as_of - span, horizon, churn)
    problems = [
        p
        for p in (
            _check("training window", y_train, target),
            _check("validation window", y_valid, target),
        )
        if p
    ]
    if problems:
        raise InsufficientData(
            f"Too few customers of each outcome to train (at least {MIN_CLASS} of each are "
            f"needed): {'; '.join(problems)}."
        )
    kinds = LEARNERS if model is PropensityModel.AUTO else (model,)
    candidates = []
    for kind in kinds:
        fitted = learners.fit(kind, x_train, y_train)
        candidates.append(
            (
                fitted,
                {
                    "model": kind.value,
                    **measures(y_valid, fitted.predict(x_valid), probabilities=True),
                },
            )
        )
    best, figures = max(candidates, key=lambda pair: pair[1]["auc"])
    final = learners.fit(best.kind, x_valid, y_valid)
    people, x_now = features_at(h, as_of, horizon)
    summary = {
        "model": best.kind.value,
        "auc": figures["auc"],
        "lift": figures["lift"],
        "brier": figures["brier"],
        "candidates": [pair[1] for pair in candidates],
        "baselines": baselines(x_valid, y_valid, churn),
        "featureImportances": learners.importances(final, x_valid, y_valid),
        "rules": learners.rules(final, x_valid, OUTCOME[target]),
        "notes": [f"time split: {n}" for n in best.notes] + [f"refit: {n}" for n in final.notes],
        "training": {"rows": int(y_train.size), "positives": int(y_train.sum())},
        "validation": {"rows": int(y_valid.size), "positives": int(y_valid.sum())},
    }
    return Training(
        summary=summary,
        customer_ids=[h.customer_ids[i] for i in people],
        scores=final.predict(x_now) if people.size else np.zeros(0),
        reasons=learners.reasons(final, x_now) if people.size else [],
    )


def ranks(scores: Floats) -> tuple[NDArray[np.int64], Floats]:
    """Each score's rank (0 = highest; ties in row order) and percentile: the share of scored
    customers scoring at or below it, in percent."""
    order = np.argsort(-scores, kind="stable")
    rank = np.empty(scores.size, dtype=np.int64)
    rank[order] = np.arange(scores.size)
    at_or_below = np.searchsorted(np.sort(scores), scores, side="right")
    return rank, np.round(100.0 * at_or_below / max(scores.size, 1), 1)
