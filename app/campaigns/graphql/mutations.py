"""Designing campaigns, running them, assigning their audience and recording events."""

from __future__ import annotations

import strawberry
from bson import ObjectId

from app.campaigns.events import CampaignEvents, Event, Recorded
from app.campaigns.graphql.inputs import (
    CampaignEventInput,
    CreateCampaignInput,
    UpdateCampaignInput,
    campaign_values,
)
from app.campaigns.graphql.types import Campaign
from app.campaigns.models import MAX_EVENTS, TYPE_NAME
from app.campaigns.repository import CampaignRepository
from app.campaigns.service import CampaignService
from app.core.db import Document
from app.core.errors import ErrorCode, FieldError, InputError
from app.graphql.context import Info
from app.graphql.mutations import Idempotent, Mutations, run_mutation
from app.graphql.payloads import payload, refused
from app.graphql.permissions import ANALYSTS, allow
from app.graphql.relay import decode_input_id
from app.graphql.types import UserError
from app.jobs.graphql.mutations import JobPayload, start_job
from app.jobs.models import JobKind

CAMPAIGNS = Mutations(
    "campaign", Campaign.from_document, TYPE_NAME, CampaignRepository, CampaignService
)


@payload("campaign", Campaign)
class StartCampaignPayload: ...


@payload("campaign", Campaign)
class StopCampaignPayload: ...


@payload("campaign", Campaign)
class CompleteCampaignPayload: ...


@strawberry.type
class RecordCampaignEventsPayload:
    campaign: Campaign | None
    recorded: int = strawberry.field(description="New events written.")
    duplicates: int = strawberry.field(description="Events already recorded (skipped).")
    user_errors: list[UserError]


@strawberry.type
class CampaignMutation:
    create_campaign, update_campaign = CAMPAIGNS.create_and_update(
        Campaign, (CreateCampaignInput, UpdateCampaignInput), campaign_values, roles=ANALYSTS
    )

    @strawberry.mutation(
        extensions=[allow(ANALYSTS)],
        description="DRAFT or STOPPED to RUNNING; its design is fixed from the first start.",
    )
    async def start_campaign(self, info: Info, id: strawberry.ID) -> StartCampaignPayload:
        return await CAMPAIGNS.change(info, StartCampaignPayload, id, CampaignService.start)

    @strawberry.mutation(extensions=[allow(ANALYSTS)], description="Pause a running campaign.")
    async def stop_campaign(self, info: Info, id: strawberry.ID) -> StopCampaignPayload:
        return await CAMPAIGNS.change(info, StopCampaignPayload, id, CampaignService.stop)

    @strawberry.mutation(extensions=[allow(ANALYSTS)], description="End it for good.")
    async def complete_campaign(self, info: Info, id: strawberry.ID) -> CompleteCampaignPayload:
        return await CAMPAIGNS.change(info, CompleteCampaignPayload, id, CampaignService.complete)

    @strawberry.mutation(
        extensions=[allow(ANALYSTS)],
        description="Assign the whole audience to variants (a CAMPAIGN_ASSIGNMENT job).",
    )
    async def assign_campaign(
        self, info: Info, campaign_id: strawberry.ID, idempotency_key: str | None = None
    ) -> JobPayload:
        try:
            object_id = decode_input_id(campaign_id, TYPE_NAME, "campaignId")
            campaign = await info.context.get(CampaignService).get(object_id, "campaignId")
        except InputError as error:
            return refused(JobPayload, "job", error)
        key = Idempotent(idempotency_key, {"campaignId": str(object_id)})
        return await start_job(
            info, JobKind.CAMPAIGN_ASSIGNMENT, {"campaignId": campaign["_id"]}, key
        )

    @strawberry.mutation(
        extensions=[allow(ANALYSTS)],
        description=f"Up to {MAX_EVENTS} events, checked whole: one bad event writes nothing.",
    )
    async def record_campaign_events(
        self, info: Info, campaign_id: strawberry.ID, events: list[CampaignEventInput]
    ) -> RecordCampaignEventsPayload:
        recorded: list[Recorded] = []

        async def record() -> Document:
            object_id = decode_input_id(campaign_id, TYPE_NAME, "campaignId")
            done = await info.context.get(CampaignEvents).record(object_id, _events(events))
            recorded.append(done)
            return done.campaign

        result = await run_mutation(
            info,
            RecordCampaignEventsPayload,
            "campaign",
            record,
            Campaign.from_document,
            TYPE_NAME,
            recorded=0,
            duplicates=0,
        )
        if recorded:
            result.recorded, result.duplicates = recorded[0].recorded, recorded[0].duplicates
        return result


def _events(given: list[CampaignEventInput]) -> list[Event]:
    errors: list[FieldError] = []
    events = []
    for i, event in enumerate(given):
        try:
            customer = decode_input_id(event.customer_id, "Customer", f"events.{i}.customerId")
        except InputError as error:
            errors += error.errors
            customer = ObjectId("0" * 24)
        events.append(Event(customer, event.variant, event.event, event.at, event.revenue))
    if errors:
        raise InputError(errors)
    if len(given) > MAX_EVENTS:
        raise InputError.one("events", ErrorCode.OUT_OF_RANGE, f"1 to {MAX_EVENTS} events.")
    return events
