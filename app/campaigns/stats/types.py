"""The values the campaign statistics take in and give back.

Every float a :class:`Comparison` or :class:`Effect` carries is finite: results go out over
GraphQL, which has no NaN or infinity. Where a number is undefined (no exposures, a control
mean of 0, no variance) the field is ``None`` and :attr:`Comparison.warning` says why.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum


class StatsWarning(StrEnum):
    """Why some numbers of a comparison are ``None`` (the first reason that applies)."""

    EMPTY_ARM = "EMPTY_ARM"
    """An arm has no exposed customers (or, for revenue, fewer than two)."""
    ZERO_VARIANCE = "ZERO_VARIANCE"
    """The metric does not vary (e.g. no conversions in either arm): no test is possible."""
    ZERO_CONTROL_MEAN = "ZERO_CONTROL_MEAN"
    """The control's mean is 0, so the relative lift is undefined."""


@dataclass(frozen=True)
class Arm:
    """One variant's sufficient statistics over its exposed customers.

    Conversion is 0/1 per customer; revenue is per customer (0 for those who bought nothing),
    so ``revenue / exposed`` is revenue per exposed customer.
    """

    exposed: int
    conversions: int
    revenue: float = 0.0
    revenue_squares: float = 0.0

    def __post_init__(self) -> None:
        # Impossible counts are a bug upstream (double-counted events); say so loudly rather
        # than publish a p-value computed from them.
        if self.exposed < 0 or not 0 <= self.conversions <= self.exposed:
            raise ValueError(
                f"an arm needs 0 <= conversions <= exposed, got {self.conversions} conversions"
                f" of {self.exposed} exposed"
            )
        if not (math.isfinite(self.revenue) and math.isfinite(self.revenue_squares)):
            raise ValueError("revenue sums must be finite")
        if self.revenue_squares < 0:
            raise ValueError("revenue_squares is a sum of squares and cannot be negative")

    @property
    def conversion_rate(self) -> float:
        """Conversions per exposed customer (0 with no exposures)."""
        return self.conversions / self.exposed if self.exposed else 0.0

    @property
    def revenue_per_exposed(self) -> float:
        """Mean revenue per exposed customer (0 with no exposures)."""
        return self.revenue / self.exposed if self.exposed else 0.0

    @property
    def revenue_variance(self) -> float | None:
        """Sample variance (n - 1) of per-customer revenue; ``None`` below two customers."""
        if self.exposed < 2:
            return None
        centred = self.revenue_squares - self.revenue * self.revenue / self.exposed
        # Rounding can leave a tiny negative remainder when every value is the same.
        return max(centred, 0.0) / (self.exposed - 1)


@dataclass(frozen=True)
class Comparison:
    """Treatment against control for one metric.

    Lifts and intervals are treatment minus control; relative ones are divided by the
    control mean. ``ci_*`` and ``absolute_ci_*`` are fixed-horizon (valid only when read once,
    at the planned end); ``sequential_*`` are always valid, however often they are read.
    When the absolute interval is undefined (no spread within either arm) it collapses to the
    point estimate and ``warning`` is ``ZERO_VARIANCE``.
    """

    control_mean: float
    treatment_mean: float
    absolute_lift: float
    relative_lift: float | None
    ci_low: float | None
    ci_high: float | None
    absolute_ci_low: float
    absolute_ci_high: float
    p_value: float | None
    chance_to_beat_control: float | None
    sequential_ci_low: float | None
    sequential_ci_high: float | None
    sequential_significant: bool
    # Added beyond the agreed interface:
    absolute_std_error: float | None = None
    relative_std_error: float | None = None
    degrees_of_freedom: float | None = None
    """Welch–Satterthwaite degrees of freedom for revenue; ``None`` for the z-test."""
    sequential_p_value: float | None = None
    """Always-valid p-value matching the confidence sequence (below alpha iff it excludes 0)."""
    sequential_absolute_ci_low: float | None = None
    """The same confidence sequence on the absolute lift: defined when the control mean is 0,
    and more conservative on skewed revenue with few buyers (see ``scripts/eval``)."""
    sequential_absolute_ci_high: float | None = None
    warning: StatsWarning | None = None


@dataclass(frozen=True)
class Effect:
    """One coefficient of a factorial model (a main effect or a two-way interaction)."""

    name: str
    estimate: float
    std_error: float
    p_value: float
