"""The taxonomy, agent tags, tagger models, the tagging jobs and feedbackSummary."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import Enum

import strawberry
from bson import ObjectId

from app.core.db import Document
from app.core.errors import ErrorCode, InputError
from app.graphql.common import UserError, as_utc
from app.graphql.context import Info
from app.graphql.errors import client_error
from app.graphql.mutations import Target, provided, run_mutation
from app.graphql.pagination import Connection, load_by_id, page_request, top_level_connection
from app.graphql.permissions import ANALYSTS, CRM_WRITERS, EVERYONE, TICKET_WRITERS, allow
from app.graphql.relay import Node, decode_input_id, encode_id
from app.jobs.graphql import JobPayload, start_job
from app.jobs.models import JobKind
from app.tagging import summary
from app.tagging.jobs import default_since, encode_query
from app.tagging.repository import TaggerModelRepository, TagRepository
from app.tagging.service import LANGUAGES, TaggingService
from app.tickets.graphql import NODE as TICKET_NODE
from app.tickets.graphql import Ticket, TicketFilter
from app.tickets.repository import TicketRepository

TAG_TYPE = "Tag"
MODEL_TYPE = "TaggerModel"


@strawberry.type(description="Seed keywords and phrases of a tag in one language.")
class TagKeywords:
    language: str
    phrases: list[str]


@strawberry.type(description="A topic in the feedback taxonomy.")
class Tag(Node):
    id: strawberry.ID
    name: str
    description: str
    keywords: list[TagKeywords]
    archived: bool = strawberry.field(description="Archived tags are no longer applied.")
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_document(cls, doc: Document) -> Tag:
        keywords = doc.get("keywords") or {}
        return cls(
            id=encode_id(TAG_TYPE, doc["_id"]),
            name=doc["name"],
            description=doc.get("description", ""),
            keywords=[
                TagKeywords(language=language, phrases=list(keywords[language]))
                for language in LANGUAGES
                if language in keywords
            ],
            archived=doc["archived"],
            created_at=doc["createdAt"],
            updated_at=doc["updatedAt"],
        )


@strawberry.type
class TagMetrics:
    tag: str
    precision: float
    recall: float
    f1: float
    support: int = strawberry.field(description="Held-out examples that carry the tag.")


@strawberry.type(description="Scores on the held-out examples.")
class TaggerEvaluation:
    macro_f1: float
    micro_f1: float
    examples: int
    tags: list[TagMetrics]

    @classmethod
    def from_document(cls, doc: Document) -> TaggerEvaluation:
        return cls(
            macro_f1=doc["macroF1"],
            micro_f1=doc["microF1"],
            examples=doc["examples"],
            tags=[TagMetrics(**t) for t in doc["tags"]],
        )


@strawberry.type(description="A trained version of the topic tagger.")
class TaggerModel(Node):
    id: strawberry.ID
    version: int
    created_at: datetime
    activated_at: datetime | None = strawberry.field(description="When it became active.")
    active: bool = strawberry.field(description="The version tagging tickets now.")
    threshold: float = strawberry.field(description="Tags at or above this probability apply.")
    learned_tags: list[str] = strawberry.field(
        description="Tags the model predicts; other tags stay with keyword rules."
    )
    shipped_examples: int
    agent_examples: int
    training_examples: int
    held_out_examples: int
    evaluation: TaggerEvaluation
    compared_with_version: int | None = strawberry.field(
        description="The active version it had to beat; null = the keyword rules alone."
    )
    compared_evaluation: TaggerEvaluation = strawberry.field(
        description="That incumbent's scores on the same held-out examples."
    )

    @classmethod
    def from_document(cls, doc: Document, active_id: ObjectId | None) -> TaggerModel:
        examples = doc["examples"]
        return cls(
            id=encode_id(MODEL_TYPE, doc["_id"]),
            version=doc["version"],
            created_at=doc["createdAt"],
            activated_at=doc.get("activatedAt"),
            active=doc["_id"] == active_id,
            threshold=doc["threshold"],
            learned_tags=doc["learnedTags"],
            shipped_examples=examples["shipped"],
            agent_examples=examples["agent"],
            training_examples=examples["training"],
            held_out_examples=examples["heldOut"],
            evaluation=TaggerEvaluation.from_document(doc["evaluation"]),
            compared_with_version=doc["comparedWith"]["version"],
            compared_evaluation=TaggerEvaluation.from_document(doc["comparedWith"]["evaluation"]),
        )


async def active_model_id(info: Info) -> ObjectId | None:
    async def load(keys: list[str]) -> list[ObjectId | None]:
        active = await info.context.get(TaggerModelRepository).active()
        return [active["_id"] if active else None for _ in keys]

    result: ObjectId | None = await info.context.loader("activeTagger", load).load("active")
    return result


async def load_tagger_model(info: Info, object_id: ObjectId) -> TaggerModel | None:
    doc = await load_by_id(info.context, TaggerModelRepository, object_id)
    return TaggerModel.from_document(doc, await active_model_id(info)) if doc else None


async def load_tag(info: Info, object_id: ObjectId) -> Tag | None:
    doc = await load_by_id(info.context, TagRepository, object_id)
    return Tag.from_document(doc) if doc else None


@strawberry.enum(description="The length of a feedbackSummary period (UTC; weeks start Monday).")
class SummaryInterval(Enum):
    DAY = "DAY"
    WEEK = "WEEK"
    MONTH = "MONTH"


@strawberry.type
class SentimentCounts:
    negative: int
    neutral: int
    positive: int
    untagged: int = strawberry.field(description="Not tagged yet.")


@strawberry.type
class TagCount:
    tag: str
    tickets: int
    negative: int = strawberry.field(description="Of those, tickets with NEGATIVE sentiment.")
    average_sentiment: float | None

    @classmethod
    def of(cls, count: summary.TagCount) -> TagCount:
        return cls(
            tag=count.tag,
            tickets=count.tickets,
            negative=count.negative,
            average_sentiment=count.average,
        )


@strawberry.type
class FeedbackPeriod:
    start: datetime
    end: datetime
    tickets: int
    sentiment: SentimentCounts
    average_sentiment: float | None = strawberry.field(description="Mean score, -1 to 1.")
    tags: list[TagCount] = strawberry.field(description="Most tickets first.")


@strawberry.type(description="What customers write about, period by period.")
class FeedbackSummary:
    interval: SummaryInterval
    start: datetime
    end: datetime
    periods: list[FeedbackPeriod]
    tags: list[TagCount] = strawberry.field(description="Totals over the window.")


@strawberry.input
class TagKeywordsInput:
    language: str = strawberry.field(description="en or zh.")
    phrases: list[str]


@strawberry.input
class CreateTagInput:
    name: str = strawberry.field(description="Lower-case, digits and hyphens: `gift-wrapping`.")
    description: str | None = None
    keywords: list[TagKeywordsInput] | None = None


@strawberry.input(description="Only the fields given change; keywords replace per language.")
class UpdateTagInput:
    name: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    keywords: list[TagKeywordsInput] | None = strawberry.UNSET


@strawberry.type(description="The tag, or why nothing changed.")
class TagPayload:
    tag: Tag | None
    user_errors: list[UserError]


@strawberry.type(description="The ticket with the agent's tags, or why nothing changed.")
class SetTicketTagsPayload:
    ticket: Ticket | None
    user_errors: list[UserError]


@strawberry.input
class StartTaggerTrainingInput:
    idempotency_key: str | None = None


@strawberry.input
class StartFeedbackTaggingInput:
    filter: TicketFilter | None = None
    retag: bool = strawberry.field(
        default=False,
        description="Also tickets tagged before (agent tags are kept either way).",
    )
    idempotency_key: str | None = None


@strawberry.input
class StartTopicDiscoveryInput:
    since: datetime | None = strawberry.field(
        default=None, description="Feedback created since; default 30 days ago."
    )
    idempotency_key: str | None = None


def keyword_map(keywords: list[TagKeywordsInput] | None) -> dict[str, list[str]] | None:
    if keywords is None:
        return None
    out: dict[str, list[str]] = {}
    for entry in keywords:
        out.setdefault(entry.language.strip().lower(), []).extend(entry.phrases)
    return out


TAG_NODE = (Tag.from_document, TAG_TYPE)


@strawberry.type
class TaggingQuery:
    @strawberry.field(description="The taxonomy, by name.", extensions=[allow(EVERYONE)])
    async def tags(self, info: Info, include_archived: bool = False) -> list[Tag]:
        docs = await info.context.get(TagRepository).listing(include_archived)
        return [Tag.from_document(doc) for doc in docs]

    @strawberry.field(description="Tagger versions, newest first.", extensions=[allow(EVERYONE)])
    async def tagger_models(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[TaggerModel]:
        request = page_request(first, after, last, before)
        active_id = await active_model_id(info)
        return await top_level_connection(
            info.context.get(TaggerModelRepository),
            {},
            [("createdAt", -1)],
            request,
            lambda doc: TaggerModel.from_document(doc, active_id),
        )

    @strawberry.field(
        description="Per period: tickets by tag and by sentiment, and the average sentiment. "
        "The window is filter.createdAt (default: the last 30 days, 26 weeks or 12 months).",
        extensions=[allow(EVERYONE)],
    )
    async def feedback_summary(
        self,
        info: Info,
        filter: TicketFilter | None = None,
        interval: SummaryInterval = SummaryInterval.WEEK,
    ) -> FeedbackSummary:
        ticket_filter = filter or TicketFilter()
        created = ticket_filter.created_at
        try:
            starts = summary.window(
                interval.value,
                as_utc(created.gte) if created and created.gte else None,
                as_utc(created.lt) if created and created.lt else None,
                datetime.now(UTC),
            )
        except InputError as error:
            problem = error.errors[0]
            raise client_error(problem.message, problem.code.value) from None
        periods, totals = await summary.feedback_summary(
            info.context.db, ticket_filter.to_query(), interval.value, starts
        )
        return FeedbackSummary(
            interval=interval,
            start=starts[0],
            end=starts[-1],
            periods=[
                FeedbackPeriod(
                    start=p.start,
                    end=p.end,
                    tickets=p.tickets,
                    sentiment=SentimentCounts(
                        negative=p.negative,
                        neutral=p.neutral,
                        positive=p.positive,
                        untagged=p.untagged,
                    ),
                    average_sentiment=p.average,
                    tags=[TagCount.of(t) for t in p.tags],
                )
                for p in periods
            ],
            tags=[TagCount.of(t) for t in totals],
        )


@strawberry.type
class TaggingMutation:
    @strawberry.mutation(extensions=[allow(CRM_WRITERS)])
    async def create_tag(self, info: Info, input: CreateTagInput) -> TagPayload:
        service = info.context.get(TaggingService)

        async def create() -> Document:
            return await service.create_tag(
                input.name, input.description, keyword_map(input.keywords)
            )

        return await run_mutation(info, TagPayload, "tag", create, *TAG_NODE)

    @strawberry.mutation(extensions=[allow(CRM_WRITERS)])
    async def update_tag(self, info: Info, id: strawberry.ID, input: UpdateTagInput) -> TagPayload:
        service = info.context.get(TaggingService)

        async def update() -> Document:
            values = provided(input, "name", "description", "keywords")
            if "keywords" in values:
                values["keywords"] = keyword_map(values["keywords"])
            return await service.update_tag(decode_input_id(id, TAG_TYPE, "id"), values)

        target = Target(TagRepository, id)
        return await run_mutation(info, TagPayload, "tag", update, *TAG_NODE, target=target)

    @strawberry.mutation(
        description="Stop applying a tag (tickets keep the tags they have).",
        extensions=[allow(CRM_WRITERS)],
    )
    async def archive_tag(self, info: Info, id: strawberry.ID) -> TagPayload:
        service = info.context.get(TaggingService)

        async def archive() -> Document:
            return await service.set_archived(decode_input_id(id, TAG_TYPE, "id"), True)

        target = Target(TagRepository, id)
        return await run_mutation(info, TagPayload, "tag", archive, *TAG_NODE, target=target)

    @strawberry.mutation(
        description="An agent's tags (source AGENT, confidence 1) replace the ticket's topic "
        "tags, are never overwritten by automatic tagging, and train the next model version.",
        extensions=[allow(TICKET_WRITERS)],
    )
    async def set_ticket_tags(
        self, info: Info, ticket_id: strawberry.ID, tags: list[str]
    ) -> SetTicketTagsPayload:
        service = info.context.get(TaggingService)

        async def set_tags() -> Document:
            object_id = decode_input_id(ticket_id, "Ticket", "ticketId")
            return await service.set_ticket_tags(object_id, tags)

        target = Target(TicketRepository, ticket_id)
        return await run_mutation(
            info, SetTicketTagsPayload, "ticket", set_tags, *TICKET_NODE, target=target
        )

    @strawberry.mutation(
        description="Train a tagger version on shipped and agent examples; it becomes active "
        "only if it beats the active one on held-out examples.",
        extensions=[allow(CRM_WRITERS)],
    )
    async def start_tagger_training(
        self, info: Info, input: StartTaggerTrainingInput | None = None
    ) -> JobPayload:
        key = input.idempotency_key if input else None
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
        return await start_job(info, JobKind.FEEDBACK_TAGGING, params, input.idempotency_key)

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
            return JobPayload(job=None, user_errors=UserError.from_input_error(error))
        return await start_job(
            info, JobKind.TOPIC_DISCOVERY, {"since": since}, input.idempotency_key
        )
