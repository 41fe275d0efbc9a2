"""The Article and ArticleSuggestion types."""

from __future__ import annotations

from datetime import datetime

import strawberry
from bson import ObjectId

from app.core.db import Document
from app.graphql.context import Info
from app.graphql.relay import Node, encode_id, load_node, register_node
from app.graphql.types import copied
from app.knowledge.graphql import loaders
from app.knowledge.graphql.enums import ArticleStatus
from app.knowledge.models import TYPE_NAME
from app.knowledge.retrieval import Hit


@strawberry.type(description="A help-center article (Markdown) in English or Chinese.")
class Article(Node):
    id: strawberry.ID
    title: str
    body: str = strawberry.field(description="Markdown.")
    language: str = strawberry.field(description="en or zh.")
    tags: list[str] = strawberry.field(description="Names of taxonomy tags.")
    status: ArticleStatus
    views: int
    helpful: int = strawberry.field(description="Readers who said it answered their question.")
    not_helpful: int
    automatic_answers: int = strawberry.field(description="Tickets a rule answered with it.")
    deflections: int = strawberry.field(
        description="Consultations its automatic answer resolved: the customer said it helped."
    )
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
    object_id: strawberry.Private[ObjectId]

    @classmethod
    def from_document(cls, doc: Document) -> Article:
        return cls(
            id=encode_id(TYPE_NAME, doc["_id"]),
            object_id=doc["_id"],
            status=ArticleStatus(doc["status"]),
            tags=list(doc.get("tags") or []),
            not_helpful=doc.get("notHelpful", 0),
            automatic_answers=doc.get("automaticAnswers", 0),
            **copied(doc, "title", "body", "language", "created_at", "updated_at"),
            **{k: doc.get(k, 0) for k in ("views", "helpful", "deflections")},
            published_at=doc.get("publishedAt"),
        )


@strawberry.type(description="An article the answer model ranks for a question.")
class ArticleSuggestion:
    article: Article
    score: float = strawberry.field(description="Relevance (BM25, characters and topics fused).")
    confidence: float = strawberry.field(
        description="How likely it answers the question (0-1, calibrated on labelled questions)."
    )
    matched_terms: list[str] = strawberry.field(
        description="Words and Chinese bigrams of the question (or their synonyms) it contains."
    )

    @classmethod
    def of(cls, hit: Hit, article: Document) -> ArticleSuggestion:
        return cls(
            article=Article.from_document(article),
            score=round(hit.score, 4),
            confidence=round(hit.confidence, 4),
            matched_terms=list(hit.matched),
        )


@strawberry.type(description="An article a rule sent to answer a consultation.")
class AutomaticAnswer:
    confidence: float
    at: datetime
    deflected: bool = strawberry.field(
        description="The customer said it answered the question, which resolved the ticket."
    )
    article_id: strawberry.Private[ObjectId]

    @classmethod
    def from_document(cls, doc: Document) -> AutomaticAnswer:
        return cls(
            confidence=doc["confidence"],
            at=doc["at"],
            deflected=bool(doc.get("deflected")),
            article_id=doc["articleId"],
        )

    @strawberry.field
    async def article(self, info: Info) -> Article | None:
        node: Article | None = await load_node(info, TYPE_NAME, self.article_id)
        return node


register_node(
    TYPE_NAME,
    Article.from_document,
    loaders.article,
    customer_reads=lambda document, _: document["status"] == ArticleStatus.PUBLISHED.value,
)
