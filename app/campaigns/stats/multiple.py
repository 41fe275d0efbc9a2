"""Several variants against one control: Holm's step-down correction of the p-values."""

from __future__ import annotations

from collections.abc import Sequence


def holm(p_values: Sequence[float | None]) -> list[float | None]:
    """Holm–Bonferroni adjusted p-values, in the input order; ``None`` stays ``None``.

    Sort the m defined p-values ascending; the i-th (from 0) becomes
    max over j ≤ i of min(1, (m − j) · p₍ⱼ₎), so adjusted values never decrease with the raw
    ones. Rejecting where the adjusted value is below α controls the family-wise error rate at
    α under any dependence (S. Holm, "A simple sequentially rejective multiple test
    procedure", *Scandinavian Journal of Statistics* 6 (1979) 65–70). ``None`` entries (no
    test possible) are not counted in m.
    """
    defined = sorted((p, i) for i, p in enumerate(p_values) if p is not None)
    m = len(defined)
    adjusted: list[float | None] = [None] * len(p_values)
    running = 0.0
    for rank, (p, index) in enumerate(defined):
        running = max(running, min(1.0, (m - rank) * p))
        adjusted[index] = running
    return adjusted
