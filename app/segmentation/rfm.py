"""RFM scores (quintiles 1-5) and the widely used named RFM groups."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def quintile_scores(
    values: NDArray[np.float64], *, higher_is_better: bool = True
) -> NDArray[np.int64]:
    """Scores 1-5 by quintile of rank. Ties share the average rank, so equal values always get
    the same score and the result does not depend on row order."""
    from scipy.stats import rankdata  # scipy.stats costs half a second to import: only here

    if values.size == 0:
        return np.zeros(0, dtype=np.int64)
    ranks = rankdata(values if higher_is_better else -values, method="average")
    scores: NDArray[np.int64] = np.clip(np.ceil(ranks / values.size * 5).astype(np.int64), 1, 5)
    return scores


def group_of(r: int, fm: int) -> str:
    """The named group of an R score and the rounded mean of F and M (the common RF grid,
    with Lost split out of Hibernating)."""
    if r == 5:
        return "New" if fm == 1 else "Potential Loyalist" if fm <= 3 else "Champions"
    if r == 4:
        return "Promising" if fm == 1 else "Potential Loyalist" if fm <= 3 else "Loyal"
    if r == 3:
        return "About to Sleep" if fm <= 2 else "Need Attention" if fm == 3 else "Loyal"
    if fm == 5:
        return "Can't Lose Them"
    if fm >= 3:
        return "At Risk"
    return "Lost" if r == 1 and fm == 1 else "Hibernating"


def rfm_table(
    recency_days: NDArray[np.float64], frequency: NDArray[np.float64], monetary: NDArray[np.float64]
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], list[str]]:
    """R, F, M scores and group names for customers who have ordered."""
    r = quintile_scores(recency_days, higher_is_better=False)
    f = quintile_scores(frequency)
    m = quintile_scores(monetary)
    fm = np.floor((f + m) / 2 + 0.5).astype(np.int64)
    groups = [group_of(int(a), int(b)) for a, b in zip(r, fm, strict=True)]
    return r, f, m, groups
