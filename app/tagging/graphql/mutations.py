"""The taxonomy's mutations, ``setTicketTags``, and the tagging jobs' start mutations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import strawberry
from bson import ObjectId

from app.core.db import Document
from app.core.errors import ErrorCode, InputError
from app.graphql.context import Info
from app.graphql.inputs import as_utc
from app.graphql.mutations import Idempotent, Mutations, provided, request_params
from app.graphql.payloads import payload, refused
from app.graphql.permissions import ANALYSTS, CRM_WRITERS, TICKET_WRITERS, allow
from app.jobs.graphql.mutations import JobPayload, start_job
from app.jobs.models import JobKind
from app.tagging.graphql.inputs import (
    CreateTagInput,
    StartFeedbackTaggingInput,
    StartTaggerTrainingInput,
    StartTopicDiscoveryInput,
    UpdateTagInput,
    keyword_map,
)
from app.tagging.graphql.types import Tag
from app.tagging.jobs import default_since, encode_query
from app.tagging.models import TAG_TYPE
from app.tagging.repository import TagRepository
from app.tagging.service import TaggingService
from app.tickets.graphql.inputs import TicketFilter
from app.tickets.graphql.types import Ticket
from app.tickets.repository import TicketRepository
from app.workflow.flow import Workflow

TAGS = Mutations("tag", Tag.from_document, TAG_TYPE, TagRepository, TaggingService)
TICKET_TAGS = Mutations("ticket", Ticket.from_document, "Ticket", TicketRepository, TaggingService)


@payload("tag", Tag, description="The tag, or why nothing changed.")
class TagPayload: ...


@payload("ticket", Ticket, description="The ticket with the agent's tags, or why nothing changed.")
class SetTicketTagsPayload: ...


@strawberry.type
class TaggingMutation:
    @strawberry.mutation(extensions=[allow(CRM_WRITERS)])
    async def create_tag(self, info: Info, input: CreateTagInput) -> TagPayload:
        async def create(service: TaggingService) -> Document:
            keywords = keyword_map(input.keywords)
            return await service.create_tag(input.name, input.description, keywords)

        return await TAGS.create(info, TagPayload, create)

    @strawberry.mutation(extensions=[allow(CRM_WRITERS)])
    async def update_tag(self, info: Info, id: strawberry.ID, input: UpdateTagInput) -> TagPayload:
        async def update(service: TaggingService, object_id: ObjectId) -> Document:
            values = provided(input, "name", "description", "keywords")
            if "keywords" in values:
                values["keywords"] = keyword_map(values["keywords"])
            return await service.update_tag(object_id, values)

        return await TAGS.change(info, TagPayload, id, update)

    @strawberry.mutation(
        description="Stop applying a tag (tickets keep the tags they have).",
        extensions=[allow(CRM_WRITERS)],
    )
    async def archive_tag(self, info: Info, id: strawberry.ID) -> TagPayload:
        return await TAGS.change(
            info, TagPayload, id, lambda service, object_id: service.set_archived(object_id, True)
        )

    @strawberry.mutation(
        description="An agent's tags (source AGENT, confidence 1) replace the ticket's topic "
        "tags, are never overwritten by automatic tagging, and train the next model version.",
        extensions=[allow(TICKET_WRITERS)],
    )
    async def set_ticket_tags(
        self, info: Info, ticket_id: strawberry.ID, tags: list[str]
    ) -> SetTicketTagsPayload:
        async def change(service: TaggingService, object_id: ObjectId) -> Document:
            before = await service.tickets.get(object_id)
            updated = await service.set_ticket_tags(object_id, tags)
            if before is None:
                return updated
            # New tags are an event for the workflow's TAGS_CHANGED rules.
            return await info.context.get(Workflow).tags_changed(before) or updated

        return await TICKET_TAGS.change(
            info, SetTicketTagsPayload, ticket_id, change, argument="ticketId"
        )

    @strawberry.mutation(
        description="Train a tagger version on shipped and agent examples; it becomes active "
        "only if it beats the active one on held-out examples.",
        extensions=[allow(CRM_WRITERS)],
    )
    async def start_tagger_training(
        self, info: Info, input: StartTaggerTrainingInput | None = None
    ) -> JobPayload:
        key = Idempotent(input.idempotency_key if input else None, {})
        return await start_job(info, JobKind.TAGGER_TRAINING, {}, key)

    @strawberry.mutation(
        description="Tag (or retag) the tickets matching a filter, in batches.",
        extensions=[allow(CRM_WRITERS)],
    )
    async def start_feedback_tagging(
        self, info: Info, input: StartFeedbackTaggingInput | None = None
    ) -> JobPayload:
        input = input or StartFeedbackTaggingInput()
        query = (input.filter or TicketFilter()).to_query()
        params = {"query": encode_query(query), "retag": input.retag}
        key = Idempotent(input.idempotency_key, request_params(input))
        return await start_job(info, JobKind.FEEDBACK_TAGGING, params, key)

    @strawberry.mutation(
        description="Cluster recent feedback the taxonomy fits poorly and suggest new tags.",
        extensions=[allow(ANALYSTS)],
    )
    async def start_topic_discovery(
        self, info: Info, input: StartTopicDiscoveryInput | None = None
    ) -> JobPayload:
        input = input or StartTopicDiscoveryInput()
        now = datetime.now(UTC)
        since = as_utc(input.since) if input.since else default_since(now)
        if since > now + timedelta(minutes=5):
            error = InputError.one("since", ErrorCode.OUT_OF_RANGE, "since is in the future.")
            return refused(JobPayload, "job", error)
        key = Idempotent(input.idempotency_key, request_params(input))
        return await start_job(info, JobKind.TOPIC_DISCOVERY, {"since": since}, key)
