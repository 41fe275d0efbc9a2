"""``campaign``, ``campaigns``, ``campaignVariant`` and ``campaignResults``."""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry

from app.campaigns.assignment import assigner_of
from app.campaigns.graphql.audience import in_audience
from app.campaigns.graphql.inputs import CampaignFilter, CampaignOrderBy
from app.campaigns.graphql.types import (
    Campaign,
    CampaignAssignment,
    CampaignResults,
    CampaignVariant,
)
from app.campaigns.models import ASSIGNABLE, HOLDOUT, TYPE_NAME
from app.campaigns.repository import (
    CampaignAssignmentRepository,
    CampaignRepository,
    assignment_document,
)
from app.campaigns.results import campaign_results
from app.core.db import Document
from app.graphql.connections import connection_field
from app.graphql.context import Info
from app.graphql.errors import client_error
from app.graphql.permissions import EVERYONE, allow
from app.graphql.relay import decode_id_or_raise, load_node


async def _campaign(info: Info, campaign_id: strawberry.ID) -> Document:
    campaign = await info.context.get(CampaignRepository).get(
        decode_id_or_raise(campaign_id, TYPE_NAME)
    )
    if campaign is None:
        raise client_error("No campaign has this ID.", "NOT_FOUND")
    return campaign


@strawberry.type
class CampaignQuery:
    @strawberry.field(extensions=[allow(EVERYONE)])
    async def campaign(self, info: Info, id: strawberry.ID) -> Campaign | None:
        node: Campaign | None = await load_node(info, TYPE_NAME, decode_id_or_raise(id, TYPE_NAME))
        return node

    campaigns = connection_field(
        Campaign,
        CampaignRepository,
        filter=CampaignFilter,
        order_by=CampaignOrderBy,
        roles=EVERYONE,
        description="Campaigns, newest first unless ordered otherwise.",
    )

    @strawberry.field(
        extensions=[allow(EVERYONE)],
        description=(
            "The customer's variant, for clients that render it: their assignment, or (in the "
            "audience of a draft or running campaign) the hash's choice, kept from then on."
        ),
    )
    async def campaign_variant(
        self, info: Info, campaign_id: strawberry.ID, customer_id: strawberry.ID
    ) -> CampaignAssignment:
        campaign = await _campaign(info, campaign_id)
        customer = decode_id_or_raise(customer_id, "Customer")
        assignments = info.context.get(CampaignAssignmentRepository)
        variant = (await assignments.of(campaign["_id"], [customer])).get(customer)
        member = variant is not None
        if variant is None and campaign["status"] in ASSIGNABLE:
            member = await in_audience(info.context.db, campaign["audience"], customer)
            if member:
                variant = assigner_of(campaign).variant(str(customer))
                await assignments.add(
                    [
                        assignment_document(
                            campaign["_id"], customer, variant, datetime.now(UTC), "hash"
                        )
                    ]
                )
                variant = (await assignments.of(campaign["_id"], [customer]))[customer]
        chosen = next((v for v in campaign["variants"] if v["key"] == variant), None)
        return CampaignAssignment(
            variant=CampaignVariant.of(chosen) if chosen else None,
            holdout=variant == HOLDOUT,
            in_audience=member,
            campaign_id=campaign["_id"],
        )

    @strawberry.field(
        extensions=[allow(EVERYONE)],
        description="Exposures, conversions and the statistics per variant, computed now.",
    )
    async def campaign_results(self, info: Info, campaign_id: strawberry.ID) -> CampaignResults:
        campaign = await _campaign(info, campaign_id)
        if campaign["status"] == "DRAFT":
            raise client_error("The campaign has not started.", "INVALID_TRANSITION")
        return CampaignResults.of(await campaign_results(info.context.db, campaign))
