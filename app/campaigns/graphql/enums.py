"""The campaign enums as GraphQL shows them."""

from __future__ import annotations

import strawberry

from app.campaigns.models import (
    CampaignChannel,
    CampaignEventType,
    CampaignGoal,
    CampaignRecommendation,
    CampaignStatus,
)

strawberry.enum(CampaignChannel, description="How the campaign reaches customers.")
strawberry.enum(
    CampaignGoal,
    description="ORDER: the share of exposed customers who order within windowDays. REVENUE: "
    "revenue per exposed customer within windowDays.",
)
strawberry.enum(
    CampaignStatus,
    description="DRAFT until started; RUNNING; STOPPED (paused: may resume); COMPLETED.",
)
strawberry.enum(CampaignEventType, description="What happened to a customer in a campaign.")
strawberry.enum(
    CampaignRecommendation,
    description="KEEP_RUNNING: no answer yet. WINNER: a variant (or the control) is better on "
    "the goal. NO_DIFFERENCE: none differs. STOP_SRM: the split is broken; fix it first.",
)

__all__ = [
    "CampaignChannel",
    "CampaignEventType",
    "CampaignGoal",
    "CampaignRecommendation",
    "CampaignStatus",
]
