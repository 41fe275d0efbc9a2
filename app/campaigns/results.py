"""A campaign's results: who was exposed in each variant, who ordered within the window after
their exposure (and for how much), and what the statistics say of the differences.

A customer's exposure is their first recorded event; they convert when the sending tool reports
a conversion or the CRM holds a revenue order they placed within ``windowDays`` after it, and
their revenue is those orders' totals (in the campaign's currency) plus the revenue the tool
reported. The holdout, never exposed, is measured the same way from the campaign's start.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from app.campaigns.models import HOLDOUT, CampaignGoal, CampaignRecommendation, CampaignStatus
from app.campaigns.repository import CampaignAssignmentRepository, CampaignEventRepository
from app.campaigns.stats import (
    SRM_THRESHOLD,
    Arm,
    Comparison,
    Effect,
    compare_conversion,
    compare_revenue,
    factorial_conversion,
    factorial_revenue,
    holm,
    srm_p_value,
)
from app.core.cpu import run_cpu
from app.core.db import Document, MongoDatabase
from app.core.money import CURRENCY_EXPONENTS
from app.orders.repository import OrderRepository

ALPHA = 0.05
DEFAULT_TUNING = 5_000.0  # GrowthBook's default, for campaigns nobody was assigned to yet
MIN_EXPOSED = 100  # per variant, before any recommendation but KEEP_RUNNING
# Converting customers per variant before a winner is called: a ratio of means over a handful
# of buyers is skewed, and its always-valid interval runs slightly over its level there.
MIN_CONVERSIONS = 10
# Running, and every variant's always-valid interval inside ±5% of the control: any effect
# left is too small to act on.
NEGLIGIBLE = 0.05
R = CampaignRecommendation
SEQUENTIAL = (
    "sequential_ci_low", "sequential_ci_high", "sequential_significant", "sequential_p_value",
    "sequential_absolute_ci_low", "sequential_absolute_ci_high",
)  # fmt: skip


@dataclass(frozen=True)
class Group:
    """One variant's (or the holdout's) customers and what they did."""

    key: str
    name: str
    weight: float
    assigned: int
    exposed: int = 0
    opened: int = 0
    clicked: int = 0
    arm: Arm = field(default_factory=lambda: Arm(0, 0, 0.0, 0.0))
    conversion: Comparison | None = None
    revenue: Comparison | None = None
    conversion_adjusted_p: float | None = None
    revenue_adjusted_p: float | None = None


@dataclass(frozen=True)
class Results:
    campaign: Document
    computed_at: datetime
    variants: list[Group]
    holdout: Group | None
    srm_p_value: float | None
    effects: list[Effect]
    recommendation: CampaignRecommendation
    reason: str
    winner: str | None


async def campaign_results(db: MongoDatabase, campaign: Document) -> Results:
    events = CampaignEventRepository(db)
    per_customer = await events.per_customer(campaign["_id"])
    reported = await events.conversions(campaign["_id"])
    assignments = CampaignAssignmentRepository(db)
    sizes = await assignments.sizes(campaign["_id"])
    holdout = await assignments.holdout(campaign["_id"]) if sizes.get(HOLDOUT) else []
    start = _utc(campaign["startAt"])
    window = timedelta(days=campaign["windowDays"])
    now = datetime.now(UTC)
    joined = [_utc(doc["assignedAt"]) for doc in holdout]
    last = max([_utc(doc["exposedAt"]) for doc in per_customer] + joined, default=start)
    orders: list[Document] = []
    if per_customer or holdout:
        until = min(now, last + window)
        orders = await OrderRepository(db).revenue_orders(start, until, campaign["currency"])
    return await run_cpu(_results, campaign, per_customer, reported, holdout, orders, sizes, now)


def _results(
    campaign: Document,
    per_customer: list[Document],
    reported: list[Document],
    held_out: list[Document],
    orders: list[Document],
    sizes: dict[str, int],
    now: datetime,
) -> Results:
    scale = 10.0 ** CURRENCY_EXPONENTS.get(campaign["currency"], 2)
    window = timedelta(days=campaign["windowDays"])
    start = _utc(campaign["startAt"])
    reached: dict[Any, tuple[str, datetime]] = {
        doc["_id"]: (doc["variant"], _utc(doc["exposedAt"])) for doc in per_customer
    }
    # The holdout is watched from the campaign's start (late joiners: see the README).
    for doc in held_out:
        reached.setdefault(doc["customerId"], (HOLDOUT, start))
    opened: Counter[str] = Counter()
    clicked: Counter[str] = Counter()
    for doc in per_customer:
        variant = doc["variant"]
        opened[variant] += doc.get("openedAt") is not None
        clicked[variant] += doc.get("clickedAt") is not None

    def in_window(customer: Any, moment: datetime) -> bool:
        found = reached.get(customer)
        return found is not None and found[1] <= _utc(moment) <= found[1] + window

    converted: set[Any] = set()
    spent: dict[Any, int] = defaultdict(int)
    for order in orders:
        if in_window(order["customerId"], order["placedAt"]):
            converted.add(order["customerId"])
            spent[order["customerId"]] += order["total"]
    # The tool's own reports convert too; their revenue counts only for customers with no CRM
    # order in the window (the same purchase is often in both).
    bought = set(converted)
    for event in reported:
        if in_window(event["customerId"], event["at"]):
            converted.add(event["customerId"])
            if event["customerId"] not in bought:
                spent[event["customerId"]] += event.get("revenue") or 0
    exposed: Counter[str] = Counter(variant for variant, _ in reached.values())
    conversions: Counter[str] = Counter(reached[c][0] for c in converted)
    revenue: dict[str, float] = defaultdict(float)
    squares: dict[str, float] = defaultdict(float)
    for customer, minor in spent.items():
        variant = reached[customer][0]
        revenue[variant] += minor / scale
        squares[variant] += (minor / scale) ** 2

    def group(key: str, name: str, weight: float) -> Group:
        arm = Arm(exposed[key], conversions[key], revenue[key], squares[key])
        return Group(
            key, name, weight, sizes.get(key, 0), exposed[key], opened[key], clicked[key], arm
        )

    variants = [group(v["key"], v["name"], v["weight"]) for v in campaign["variants"]]
    variants = _compared(variants, _tuning(sizes))
    holdout = None
    if sizes.get(HOLDOUT):
        holdout = group(HOLDOUT, "Holdout", campaign["holdoutPercent"] / 100)
        pooled = _pooled(variants)
        holdout = _replace(
            holdout, compare_conversion(holdout.arm, pooled), compare_revenue(holdout.arm, pooled)
        )
    observed = [g.exposed for g in variants]
    srm = srm_p_value(observed, [g.weight for g in variants]) if sum(observed) else None
    effects = _effects(campaign, variants)
    recommendation, reason, winner = _recommend(campaign, variants, srm, now)
    return Results(campaign, now, variants, holdout, srm, effects, recommendation, reason, winner)


def _tuning(sizes: dict[str, int]) -> float:
    """The sample size the confidence sequence is tightest at: the customers assigned to the
    variants, known before anyone is exposed (so choosing it peeks at no outcome)."""
    assigned = sum(n for key, n in sizes.items() if key != HOLDOUT)
    return float(assigned) if assigned >= MIN_EXPOSED else DEFAULT_TUNING


def _compared(variants: list[Group], tuning: float) -> list[Group]:
    """Each variant against the control (the first), with Holm-adjusted p-values per metric.
    The always-valid intervals are at ALPHA shared over the comparisons (Bonferroni), so that
    reading all of them every day keeps the chance of any false alarm under ALPHA."""
    control, others = variants[0], variants[1:]
    shared = ALPHA / max(len(others), 1)

    def against_control(compare: Any, arm: Arm) -> Comparison:
        """The fixed-horizon figures at ALPHA; the always-valid ones at the shared ALPHA."""
        single = compare(control.arm, arm, alpha=ALPHA, tuning=tuning)
        if shared == ALPHA:
            return cast(Comparison, single)
        family = compare(control.arm, arm, alpha=shared, tuning=tuning)
        return cast(Comparison, replace(single, **{f: getattr(family, f) for f in SEQUENTIAL}))

    compared = [
        _replace(
            v, against_control(compare_conversion, v.arm), against_control(compare_revenue, v.arm)
        )
        for v in others
    ]
    conversion_p = holm([g.conversion.p_value if g.conversion else None for g in compared])
    revenue_p = holm([g.revenue.p_value if g.revenue else None for g in compared])
    return [control] + [
        replace(g, conversion_adjusted_p=cp, revenue_adjusted_p=rp)
        for g, cp, rp in zip(compared, conversion_p, revenue_p, strict=True)
    ]


def _replace(group: Group, conversion: Comparison, revenue: Comparison) -> Group:
    return replace(group, conversion=conversion, revenue=revenue)


def _pooled(groups: list[Group]) -> Arm:
    arms = [g.arm for g in groups]
    return Arm(
        sum(a.exposed for a in arms),
        sum(a.conversions for a in arms),
        sum(a.revenue for a in arms),
        sum(a.revenue_squares for a in arms),
    )


def _effects(campaign: Document, variants: list[Group]) -> list[Effect]:
    factors = campaign.get("factors")
    if not factors or any(g.exposed == 0 for g in variants):
        return []
    names = [factor["name"] for factor in factors]
    index = [{level: i for i, level in enumerate(f["levels"])} for f in factors]
    cells_of = {g.key: g for g in variants}
    levels = {
        v["key"]: tuple(index[k][level] for k, level in enumerate(v["levels"]))
        for v in campaign["variants"]
    }
    named = [factor["levels"] for factor in factors]
    if campaign["goal"] == CampaignGoal.REVENUE.value:
        return factorial_revenue(
            names,
            [
                (levels[k], g.arm.exposed, g.arm.revenue, g.arm.revenue_squares)
                for k, g in cells_of.items()
            ],
            levels=named,
        )
    return factorial_conversion(
        names,
        [(levels[k], g.arm.exposed, g.arm.conversions) for k, g in cells_of.items()],
        levels=named,
    )


def _recommend(
    campaign: Document, variants: list[Group], srm: float | None, now: datetime
) -> tuple[CampaignRecommendation, str, str | None]:
    if srm is not None and srm < SRM_THRESHOLD:
        split = " / ".join(f"{g.key} {g.exposed:,}" for g in variants)
        return (
            R.STOP_SRM,
            f"Sample ratio mismatch (p = {srm:.2g}): exposures split {split} against the "
            "intended weights. Assignment or tracking is broken; the results cannot be trusted.",
            None,
        )
    fewest = min(g.exposed for g in variants)
    buyers = min(g.arm.conversions for g in variants)
    if fewest < MIN_EXPOSED or buyers < MIN_CONVERSIONS:
        return (
            R.KEEP_RUNNING,
            f"{fewest:,} customers exposed and {buyers:,} converted in the smallest variant; "
            f"results are read from {MIN_EXPOSED} exposed and {MIN_CONVERSIONS} converted per "
            "variant on.",
            None,
        )
    revenue_goal = campaign["goal"] == CampaignGoal.REVENUE.value
    metric = "revenue per exposed customer" if revenue_goal else "conversion rate"

    def of(g: Group) -> Comparison | None:
        return g.revenue if revenue_goal else g.conversion

    compared = [(g, c) for g in variants[1:] if (c := of(g)) is not None]
    better = [(g, c) for g, c in compared if _sure(c) > 0]
    if better:
        best, comparison = max(better, key=lambda pair: pair[1].treatment_mean)
        return R.WINNER, f"{best.name} beats the control on {metric}: {_lift(comparison)}", best.key
    worse = [c for _, c in compared if _sure(c) < 0]
    control = variants[0]
    if compared and len(worse) == len(compared):
        return R.WINNER, f"The control beats every variant on {metric}.", control.key
    ended = campaign["status"] == CampaignStatus.COMPLETED.value or (
        campaign.get("endAt") is not None and _utc(campaign["endAt"]) <= now
    )
    small = all(
        c.sequential_ci_low is not None
        and c.sequential_ci_high is not None
        and c.sequential_ci_low > -NEGLIGIBLE
        and c.sequential_ci_high < NEGLIGIBLE
        for _, c in compared
    )
    if ended or small:
        why = "the campaign has ended" if ended else f"every effect is within ±{NEGLIGIBLE:.0%}"
        return R.NO_DIFFERENCE, f"No variant differs from the control on {metric}; {why}.", None
    return (
        R.KEEP_RUNNING,
        f"No variant differs from the control on {metric} yet; the always-valid intervals "
        "may be read every day.",
        None,
    )


def _sure(c: Comparison) -> int:
    """+1 or -1 when the always-valid intervals of both the relative and the absolute lift
    exclude 0 on the same side; else 0."""
    low, high = c.sequential_absolute_ci_low, c.sequential_absolute_ci_high
    if not c.sequential_significant or low is None or high is None:
        return 0
    if low > 0 and c.absolute_lift > 0:
        return 1
    if high < 0 and c.absolute_lift < 0:
        return -1
    return 0


def _lift(comparison: Comparison) -> str:
    if comparison.relative_lift is None:
        return f"{comparison.absolute_lift:+.4g} (absolute)"
    text = f"{comparison.relative_lift:+.1%}"
    if comparison.sequential_ci_low is not None and comparison.sequential_ci_high is not None:
        text += (
            f" (always-valid interval {comparison.sequential_ci_low:+.1%} to "
            f"{comparison.sequential_ci_high:+.1%})"
        )
    return text


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
