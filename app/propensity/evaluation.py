"""How good a score is on the time split, and the baselines any model must beat.

- AUC: the chance that a random positive scores above a random negative (0.5 = a coin).
- Lift at the top decile: the positive rate among the 10% highest scores over the base rate
  (2.0 = targeting that tenth finds twice as many positives as picking at random).
- Brier: the mean squared error of the probabilities (lower is better; only for models,
  whose scores are probabilities; baselines are rankings).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from app.propensity.features import RECENCY, RFM, Floats


def auc(labels: NDArray[np.int64], scores: Floats) -> float:
    """Area under the ROC curve by the rank-sum formula (ties count half)."""
    from scipy.stats import rankdata

    positives = int(labels.sum())
    negatives = labels.size - positives
    if positives == 0 or negatives == 0:
        return 0.5
    ranks = rankdata(scores)
    return float(
        (ranks[labels == 1].sum() - positives * (positives + 1) / 2) / (positives * negatives)
    )


def lift_at_top_decile(labels: NDArray[np.int64], scores: Floats) -> float:
    base = float(labels.mean()) if labels.size else 0.0
    if base == 0.0:
        return 0.0
    top = max(int(np.ceil(labels.size * 0.1)), 1)
    # A stable sort of the negated scores: ties keep row order, so the figure is repeatable.
    chosen = np.argsort(-scores, kind="stable")[:top]
    return float(labels[chosen].mean() / base)


def brier(labels: NDArray[np.int64], probabilities: Floats) -> float:
    return float(np.mean((probabilities - labels) ** 2))


def measures(labels: NDArray[np.int64], scores: Floats, *, probabilities: bool) -> dict[str, Any]:
    return {
        "auc": round(auc(labels, scores), 4),
        "lift": round(lift_at_top_decile(labels, scores), 3),
        "brier": round(brier(labels, scores), 4) if probabilities else None,
    }


def baselines(features: Floats, labels: NDArray[np.int64], churn: bool) -> list[dict[str, Any]]:
    """The RFM score and recency alone, ranked in the direction each obviously points: a
    higher RFM score and a recent order mean buying again (and not churning)."""
    sign = -1.0 if churn else 1.0
    return [
        {"baseline": "RFM_SCORE", **measures(labels, sign * features[:, RFM], probabilities=False)},
        {
            "baseline": "RECENCY",
            **measures(labels, -sign * features[:, RECENCY], probabilities=False),
        },
    ]
