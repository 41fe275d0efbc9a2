"""Campaigns, their variants and assignments, the assignment job's result, and the results."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry
from bson import ObjectId
from strawberry.scalars import JSON

from app.campaigns.graphql import loaders
from app.campaigns.graphql.enums import (
    CampaignChannel,
    CampaignGoal,
    CampaignRecommendation,
    CampaignStatus,
)
from app.campaigns.models import TYPE_NAME
from app.campaigns.repository import CampaignAssignmentRepository
from app.campaigns.results import Group, Results
from app.campaigns.stats import SRM_THRESHOLD, Comparison, Effect
from app.core.db import Document
from app.core.money import CURRENCY_EXPONENTS
from app.graphql.context import Info
from app.graphql.relay import Node, encode_id, load_node, register_node
from app.graphql.types import Money, copied
from app.jobs.models import JobKind
from app.jobs.registry import result_of


@strawberry.type
class CampaignVariant:
    key: str
    name: str
    weight: float = strawberry.field(description="Share of the non-holdout audience (sum 1).")
    content: str | None = strawberry.field(description="What the variant shows; yours to use.")
    levels: list[str] | None = strawberry.field(
        description="A factorial variant's level of each factor, in the factors' order."
    )

    @classmethod
    def of(cls, doc: Document) -> CampaignVariant:
        return cls(levels=doc.get("levels"), **copied(doc, "key", "name", "weight", "content"))


@strawberry.type
class CampaignFactor:
    name: str
    levels: list[str] = strawberry.field(description="The first is the control's level.")


@strawberry.type
class CampaignGroupSize:
    key: str = strawberry.field(description="A variant's key, or holdout.")
    count: int


@strawberry.type(description="A campaign: who it targets and the variants it tests on them.")
class Campaign(Node):
    id: strawberry.ID
    name: str
    channel: CampaignChannel
    audience: JSON = strawberry.field(description="The CustomerFilter given, as given.")
    variants: list[CampaignVariant] = strawberry.field(description="The first is the control.")
    factors: list[CampaignFactor] | None
    holdout_percent: float = strawberry.field(
        description="Share of the audience kept out (never exposed), measured for comparison."
    )
    goal: CampaignGoal
    window_days: int = strawberry.field(
        description="An order converts when placed within this many days after exposure."
    )
    currency: str = strawberry.field(description="Revenue counts orders in this currency.")
    seed: str = strawberry.field(description="Hashed with customer IDs to assign variants.")
    status: CampaignStatus
    start_at: datetime | None = strawberry.field(description="Exposures count from here.")
    end_at: datetime | None
    started_at: datetime | None
    completed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    object_id: strawberry.Private[ObjectId]

    @classmethod
    def from_document(cls, doc: Document) -> Campaign:
        return cls(
            id=encode_id(TYPE_NAME, doc["_id"]),
            object_id=doc["_id"],
            channel=CampaignChannel(doc["channel"]),
            goal=CampaignGoal(doc["goal"]),
            status=CampaignStatus(doc["status"]),
            audience=doc["audience"]["filter"],
            variants=[CampaignVariant.of(v) for v in doc["variants"]],
            factors=[CampaignFactor(name=f["name"], levels=f["levels"]) for f in doc["factors"]]
            if doc.get("factors")
            else None,
            **copied(
                doc,
                "name",
                "holdout_percent",
                "window_days",
                "currency",
                "seed",
                "created_at",
                "updated_at",
            ),
            **copied(doc, optional=("start_at", "end_at", "started_at", "completed_at")),
        )

    @strawberry.field(description="Customers assigned so far, per variant and the holdout.")
    async def assigned(self, info: Info) -> list[CampaignGroupSize]:
        sizes = await info.context.get(CampaignAssignmentRepository).sizes(self.object_id)
        return [CampaignGroupSize(key=k, count=n) for k, n in sorted(sizes.items())]


register_node(TYPE_NAME, Campaign.from_document, loaders.campaign)


@strawberry.type(description="A customer's variant in a campaign.")
class CampaignAssignment:
    variant: CampaignVariant | None = strawberry.field(
        description="Null for the holdout and for customers outside the audience."
    )
    holdout: bool
    in_audience: bool
    campaign_id: strawberry.Private[ObjectId]

    @strawberry.field
    async def campaign(self, info: Info) -> Campaign | None:
        node: Campaign | None = await load_node(info, TYPE_NAME, self.campaign_id)
        return node


@result_of(JobKind.CAMPAIGN_ASSIGNMENT)
@strawberry.type(description="What a CAMPAIGN_ASSIGNMENT job assigned.")
class CampaignAssignmentResult:
    audience: int = strawberry.field(description="Customers in the audience when it ran.")
    added: int = strawberry.field(description="Newly assigned (the others kept their variant).")
    sizes: list[CampaignGroupSize]
    campaign_id: strawberry.Private[ObjectId]

    @classmethod
    def from_document(cls, doc: Document) -> CampaignAssignmentResult:
        return cls(
            audience=doc["audience"],
            added=doc["added"],
            sizes=[CampaignGroupSize(key=s["key"], count=s["count"]) for s in doc["sizes"]],
            campaign_id=doc["campaignId"],
        )

    @strawberry.field
    async def campaign(self, info: Info) -> Campaign | None:
        node: Campaign | None = await load_node(info, TYPE_NAME, self.campaign_id)
        return node


@strawberry.type(description="A variant against the control on one metric (see the README).")
class CampaignComparison:
    control_mean: float
    treatment_mean: float
    absolute_lift: float
    relative_lift: float | None = strawberry.field(description="absoluteLift / controlMean.")
    ci_low: float | None = strawberry.field(description="95% interval of the relative lift.")
    ci_high: float | None
    absolute_ci_low: float
    absolute_ci_high: float
    p_value: float | None = strawberry.field(description="Two-sided, for one look at the end.")
    adjusted_p_value: float | None = strawberry.field(
        description="Holm-corrected over the campaign's variants."
    )
    chance_to_beat_control: float | None = strawberry.field(description="Bayesian, 0 to 1.")
    sequential_ci_low: float | None = strawberry.field(
        description="Always-valid interval of the relative lift: safe to read every day."
    )
    sequential_ci_high: float | None
    sequential_significant: bool = strawberry.field(
        description="The always-valid interval excludes 0."
    )

    @classmethod
    def of(cls, c: Comparison | None, adjusted: float | None) -> CampaignComparison | None:
        if c is None:
            return None
        return cls(
            control_mean=c.control_mean,
            treatment_mean=c.treatment_mean,
            absolute_lift=c.absolute_lift,
            relative_lift=c.relative_lift,
            ci_low=c.ci_low,
            ci_high=c.ci_high,
            absolute_ci_low=c.absolute_ci_low,
            absolute_ci_high=c.absolute_ci_high,
            p_value=c.p_value,
            adjusted_p_value=adjusted,
            chance_to_beat_control=c.chance_to_beat_control,
            sequential_ci_low=c.sequential_ci_low,
            sequential_ci_high=c.sequential_ci_high,
            sequential_significant=c.sequential_significant,
        )


@strawberry.type
class CampaignVariantResult:
    key: str
    name: str
    weight: float
    assigned: int
    exposed: int
    opened: int
    clicked: int
    conversions: int = strawberry.field(description="Exposed customers who converted.")
    conversion_rate: float | None
    revenue: Money = strawberry.field(description="Within the window after exposure.")
    revenue_per_exposed: Money | None
    conversion_lift: CampaignComparison | None = strawberry.field(
        description="Against the control (null for the control); for the holdout: every "
        "exposed customer against the holdout."
    )
    revenue_lift: CampaignComparison | None

    @classmethod
    def of(cls, group: Group, currency: str) -> CampaignVariantResult:
        arm = group.arm
        return cls(
            key=group.key,
            name=group.name,
            weight=group.weight,
            assigned=group.assigned,
            exposed=group.exposed,
            opened=group.opened,
            clicked=group.clicked,
            conversions=arm.conversions,
            conversion_rate=arm.conversions / arm.exposed if arm.exposed else None,
            revenue=_money(arm.revenue, currency),
            revenue_per_exposed=_money(arm.revenue / arm.exposed, currency)
            if arm.exposed
            else None,
            conversion_lift=CampaignComparison.of(group.conversion, group.conversion_adjusted_p),
            revenue_lift=CampaignComparison.of(group.revenue, group.revenue_adjusted_p),
        )


@strawberry.type(description="A factorial campaign's main effect or interaction.")
class CampaignEffect:
    name: str = strawberry.field(description="factor=level, or a×b for an interaction.")
    estimate: float = strawberry.field(
        description="Log-odds for the ORDER goal, money per customer for REVENUE."
    )
    std_error: float
    p_value: float

    @classmethod
    def of(cls, effect: Effect) -> CampaignEffect:
        return cls(name=effect.name, estimate=effect.estimate, std_error=effect.std_error,
                   p_value=effect.p_value)  # fmt: skip


@strawberry.type(description="How a campaign's variants did, computed when asked.")
class CampaignResults:
    computed_at: datetime
    goal: CampaignGoal
    variants: list[CampaignVariantResult] = strawberry.field(description="The control first.")
    holdout: CampaignVariantResult | None
    srm_p_value: float | None = strawberry.field(
        description="Chi-square of exposures against the weights; below 0.001 is flagged."
    )
    srm_flagged: bool
    effects: list[CampaignEffect] = strawberry.field(description="Factorial campaigns only.")
    recommendation: CampaignRecommendation
    reason: str
    winner: str | None = strawberry.field(description="The winning variant's key (WINNER).")
    campaign_id: strawberry.Private[ObjectId]

    @classmethod
    def of(cls, results: Results) -> CampaignResults:
        campaign = results.campaign
        currency = campaign["currency"]
        srm = results.srm_p_value
        return cls(
            computed_at=results.computed_at,
            goal=CampaignGoal(campaign["goal"]),
            variants=[CampaignVariantResult.of(g, currency) for g in results.variants],
            holdout=CampaignVariantResult.of(results.holdout, currency)
            if results.holdout
            else None,
            srm_p_value=srm,
            srm_flagged=srm is not None and srm < SRM_THRESHOLD,
            effects=[CampaignEffect.of(e) for e in results.effects],
            recommendation=results.recommendation,
            reason=results.reason,
            winner=results.winner,
            campaign_id=campaign["_id"],
        )

    @strawberry.field
    async def campaign(self, info: Info) -> Campaign | None:
        node: Campaign | None = await load_node(info, TYPE_NAME, self.campaign_id)
        return node


def _money(major: float, currency: str) -> Money:
    exponent = CURRENCY_EXPONENTS.get(currency, 2)
    return Money(amount=round(Decimal(repr(major)), exponent), currency=currency)
