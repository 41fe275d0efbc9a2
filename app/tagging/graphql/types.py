"""Tags, tagger versions, and the results of the tagging jobs."""

from __future__ import annotations

from datetime import datetime

import strawberry
from bson import ObjectId

from app.core.db import Document
from app.graphql.context import Info
from app.graphql.relay import Node, encode_id, load_node, register_node
from app.graphql.types import copied
from app.jobs.models import JobKind
from app.jobs.registry import result_of
from app.tagging import summary
from app.tagging.graphql import loaders
from app.tagging.graphql.inputs import SummaryInterval
from app.tagging.models import MODEL_TYPE, TAG_TYPE
from app.tagging.service import LANGUAGES
from app.tickets.graphql.types import Ticket


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
            description=doc.get("description", ""),
            keywords=[
                TagKeywords(language=language, phrases=list(keywords[language]))
                for language in LANGUAGES
                if language in keywords
            ],
            **copied(doc, "name", "archived", "created_at", "updated_at"),
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
            tags=[TagMetrics(**t) for t in doc["tags"]],
            **copied(doc, "macro_f1", "micro_f1", "examples"),
        )


async def _is_active(root: TaggerModel, info: Info) -> bool:
    return root.object_id == await loaders.active_model_id(info)


@strawberry.type(description="The probability at which one tag applies.")
class TagThreshold:
    tag: str
    threshold: float


@strawberry.type(description="A trained version of the topic tagger.")
class TaggerModel(Node):
    id: strawberry.ID
    version: int
    created_at: datetime
    activated_at: datetime | None = strawberry.field(description="When it became active.")
    active: bool = strawberry.field(
        resolver=_is_active, description="The version tagging tickets now."
    )
    threshold: float = strawberry.field(
        description="The shared threshold: a learned tag with no threshold of its own applies "
        "at or above this probability."
    )
    tag_thresholds: list[TagThreshold] = strawberry.field(
        description="Each learned tag's threshold, tuned by cross-validation where the tag has "
        "examples enough."
    )
    fallback_threshold: float | None = strawberry.field(
        description="A text no tag reached its threshold on still gets its likeliest tag at or "
        "above this probability; null = never."
    )
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
    object_id: strawberry.Private[ObjectId]

    @classmethod
    def from_document(cls, doc: Document) -> TaggerModel:
        examples = doc["examples"]
        return cls(
            id=encode_id(MODEL_TYPE, doc["_id"]),
            object_id=doc["_id"],
            **copied(
                doc,
                "version",
                "created_at",
                "threshold",
                "learned_tags",
                optional=("activated_at",),
            ),
            tag_thresholds=[
                TagThreshold(tag=tag, threshold=threshold)
                for tag, threshold in zip(
                    doc["learnedTags"],
                    doc.get("tagThresholds") or [doc["threshold"]] * len(doc["learnedTags"]),
                    strict=True,
                )
            ],
            fallback_threshold=doc.get("fallbackThreshold"),
            shipped_examples=examples["shipped"],
            agent_examples=examples["agent"],
            training_examples=examples["training"],
            held_out_examples=examples["heldOut"],
            evaluation=TaggerEvaluation.from_document(doc["evaluation"]),
            compared_with_version=doc["comparedWith"]["version"],
            compared_evaluation=TaggerEvaluation.from_document(doc["comparedWith"]["evaluation"]),
        )


register_node(TAG_TYPE, Tag.from_document, loaders.tag)
register_node(MODEL_TYPE, TaggerModel.from_document, loaders.tagger_model)


@result_of(JobKind.FEEDBACK_TAGGING)
@strawberry.type(description="The result of a FEEDBACK_TAGGING job.")
class FeedbackTaggingResult:
    matched: int = strawberry.field(description="Tickets the filter matched.")
    tagged: int = strawberry.field(description="Tickets written (sentiment, language, tags).")
    agent_tags_kept: int = strawberry.field(description="Tickets whose agent tags were kept.")

    @classmethod
    def from_document(cls, result: Document) -> FeedbackTaggingResult:
        return cls(**copied(result, "matched", "tagged", "agent_tags_kept"))


@result_of(JobKind.TAGGER_TRAINING)
@strawberry.type(description="The result of a TAGGER_TRAINING job.")
class TaggerTrainingResult:
    activated: bool = strawberry.field(
        description="True if the new version beat the active one and replaced it."
    )
    model_id: strawberry.Private[ObjectId]

    @classmethod
    def from_document(cls, result: Document) -> TaggerTrainingResult:
        return cls(activated=result["activated"], model_id=result["modelId"])

    @strawberry.field
    async def model(self, info: Info) -> TaggerModel | None:
        node: TaggerModel | None = await load_node(info, MODEL_TYPE, self.model_id)
        return node


@strawberry.type(description="Top terms of a suggested topic in one language.")
class LanguageTerms:
    language: str
    terms: list[str]


@strawberry.type(description="A cluster of feedback no tag fits well: a candidate new tag.")
class TopicSuggestion:
    suggested_name: str
    size: int = strawberry.field(description="Tickets in the cluster.")
    terms: list[LanguageTerms]
    ticket_ids: strawberry.Private[list[ObjectId]]

    @strawberry.field(description="The tickets closest to the cluster's centre.")
    async def example_tickets(self, info: Info) -> list[Ticket]:
        tickets = [await load_node(info, "Ticket", ticket_id) for ticket_id in self.ticket_ids]
        return [ticket for ticket in tickets if ticket is not None]


@result_of(JobKind.TOPIC_DISCOVERY)
@strawberry.type(description="The result of a TOPIC_DISCOVERY job.")
class TopicDiscoveryResult:
    since: datetime
    tickets_considered: int = strawberry.field(
        description="Tagged tickets since `since` whose best tag is below 0.6 confidence."
    )
    suggestions: list[TopicSuggestion] = strawberry.field(description="Largest first.")

    @classmethod
    def from_document(cls, result: Document) -> TopicDiscoveryResult:
        return cls(
            since=result["since"],
            tickets_considered=result["considered"],
            suggestions=[
                TopicSuggestion(
                    suggested_name=s["name"],
                    terms=[
                        LanguageTerms(language=language, terms=terms)
                        for language, terms in s["terms"].items()
                        if terms
                    ],
                    **copied(s, "size", "ticket_ids"),
                )
                for s in result["suggestions"]
            ],
        )


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
