"""Campaign filters, sort orders and mutation inputs."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import strawberry

from app.campaigns.graphql.audience import audience_document
from app.campaigns.graphql.enums import (
    CampaignChannel,
    CampaignEventType,
    CampaignGoal,
    CampaignStatus,
)
from app.customers.graphql.inputs import CustomerFilter
from app.graphql.inputs import QueryBuilder, sort_order
from app.graphql.mutations import provided

CampaignOrderBy = sort_order(
    "Campaign", "campaigns", CREATED_AT="createdAt", UPDATED_AT="updatedAt", STARTED_AT="startedAt"
)


@strawberry.input(description="Filters on campaigns; all given conditions must hold.")
class CampaignFilter:
    status: list[CampaignStatus] | None = None
    channel: list[CampaignChannel] | None = None

    def to_query(self) -> dict[str, Any]:
        query = QueryBuilder()
        query.one_of("status", self.status, "status")
        query.one_of("channel", self.channel, "channel")
        return query.build()


@strawberry.input(description="One variant; the first of a campaign is the control.")
class CampaignVariantInput:
    key: str = strawberry.field(description="Short and stable: events name variants by key.")
    weight: float = strawberry.field(description="Share of the non-holdout audience; sum 1.")
    name: str | None = None
    content: str | None = strawberry.field(default=None, description="Subject, copy, offer...")
    levels: list[str] | None = strawberry.field(
        default=None, description="With factors: this variant's level of each factor."
    )


@strawberry.input(description="A factor of a factorial test; its first level is the control's.")
class CampaignFactorInput:
    name: str
    levels: list[str]


@strawberry.input
class CreateCampaignInput:
    name: str
    channel: CampaignChannel
    audience: CustomerFilter | None = strawberry.field(
        default=None, description="Who may join; evaluated when the campaign is assigned."
    )
    variants: list[CampaignVariantInput] | None = strawberry.field(
        default=None, description="Required unless factors are given (then: one per combination)."
    )
    factors: list[CampaignFactorInput] | None = strawberry.field(
        default=None, description="Up to 2 factors: a factorial test of every combination."
    )
    holdout_percent: float = 0.0
    goal: CampaignGoal = CampaignGoal.ORDER
    window_days: int = 14
    start_at: datetime | None = strawberry.field(
        default=None, description="Exposures count from here; default: when started."
    )
    end_at: datetime | None = None
    seed: str | None = strawberry.field(
        default=None, description="The assignment hash's seed; default: random."
    )
    currency: str | None = strawberry.field(
        default=None, description="Revenue's currency; default: the one most orders use."
    )


@strawberry.input(description="Only the fields given are changed; the design only in a draft.")
class UpdateCampaignInput:
    name: str | None = strawberry.UNSET
    channel: CampaignChannel | None = strawberry.UNSET
    audience: CustomerFilter | None = strawberry.UNSET
    variants: list[CampaignVariantInput] | None = strawberry.UNSET
    factors: list[CampaignFactorInput] | None = strawberry.UNSET
    holdout_percent: float | None = strawberry.UNSET
    goal: CampaignGoal | None = strawberry.UNSET
    window_days: int | None = strawberry.UNSET
    start_at: datetime | None = strawberry.UNSET
    end_at: datetime | None = strawberry.UNSET


@strawberry.input(description="One event; repeating the same customer, event and time is a no-op.")
class CampaignEventInput:
    customer_id: strawberry.ID
    variant: str = strawberry.field(description="The key of the variant the customer got.")
    event: CampaignEventType
    at: datetime
    revenue: Decimal | None = strawberry.field(
        default=None,
        description="CONVERTED only: revenue the CRM has no order for, in the campaign's currency.",
    )


FIELDS = {
    "name": "name", "channel": "channel", "variants": "variants", "factors": "factors",
    "holdout_percent": "holdoutPercent", "goal": "goal", "window_days": "windowDays",
    "start_at": "startAt", "end_at": "endAt", "seed": "seed", "currency": "currency",
}  # fmt: skip
REQUIRED = {"name", "channel", "holdout_percent", "goal", "window_days"}


def campaign_values(input: CreateCampaignInput | UpdateCampaignInput) -> dict[str, Any]:
    """The fields the client sent, as the service takes them."""
    given = provided(input, *(name for name in FIELDS if hasattr(input, name)))
    if isinstance(input, CreateCampaignInput) or input.audience is not strawberry.UNSET:
        given["audience"] = input.audience
    values: dict[str, Any] = {}
    for name, value in given.items():
        if name == "audience":
            values["audience"] = audience_document(value)
        elif value is None and name in REQUIRED:
            continue  # null for a required field of an update: unchanged
        elif name in ("variants", "factors") and value is not None:
            values[FIELDS[name]] = [vars(item) for item in value]
        elif name in ("channel", "goal"):
            values[FIELDS[name]] = value.value
        else:
            values[FIELDS[name]] = value
    return values
