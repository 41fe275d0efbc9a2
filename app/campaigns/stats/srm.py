"""Sample-ratio mismatch: did the customers split the way the weights said they would?

Pearson's chi-square goodness-of-fit test of the observed counts against the intended
weights, with k − 1 degrees of freedom (Fabijan et al., "Diagnosing Sample Ratio Mismatch in
Online Controlled Experiments", KDD 2019, https://doi.org/10.1145/3292500.3330722; as
GrowthBook's ``check_srm`` in ``packages/stats/gbstats/utils.py``). A p-value below
:data:`SRM_THRESHOLD` means the assignment or the exposure logging is broken, and the
experiment's other numbers cannot be trusted.
"""

from __future__ import annotations

from collections.abc import Sequence

from scipy import stats

SRM_THRESHOLD = 0.001


def srm_p_value(observed: Sequence[int], weights: Sequence[float]) -> float:
    """The chi-square p-value of ``observed`` counts against the intended ``weights``.

    Weights need not sum to 1. A variant with weight 0 and no customers is left out; one
    with weight 0 and customers is an outright mismatch (p = 0). No customers at all: 1.
    """
    if len(observed) != len(weights):
        raise ValueError("observed and weights need one entry per variant")
    if any(w < 0 for w in weights) or sum(weights) <= 0:
        raise ValueError("weights must be non-negative and not all 0")
    if any(o < 0 for o in observed):
        raise ValueError("observed counts cannot be negative")
    total = sum(observed)
    if total == 0:
        return 1.0
    if any(w == 0 and o > 0 for o, w in zip(observed, weights, strict=True)):
        return 0.0
    kept = [(o, w) for o, w in zip(observed, weights, strict=True) if w > 0]
    if len(kept) < 2:
        return 1.0
    weight_sum = sum(w for _, w in kept)
    statistic = sum((o - total * w / weight_sum) ** 2 / (total * w / weight_sum) for o, w in kept)
    return float(stats.chi2.sf(statistic, len(kept) - 1))
