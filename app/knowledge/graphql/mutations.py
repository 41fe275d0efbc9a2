"""Writing articles, publishing them, and what readers say of them."""

from __future__ import annotations

import strawberry
from bson import ObjectId

from app.core.db import Document
from app.graphql.context import Info
from app.graphql.mutations import Mutations
from app.graphql.payloads import payload
from app.graphql.permissions import CRM_WRITERS, TICKET_WRITERS, Role, allow, customer_of
from app.graphql.relay import decode_input_id
from app.knowledge.graphql.inputs import CreateArticleInput, UpdateArticleInput, article_values
from app.knowledge.graphql.queries import READERS
from app.knowledge.graphql.types import Article
from app.knowledge.models import TYPE_NAME
from app.knowledge.repository import ArticleRepository
from app.knowledge.service import ArticleService
from app.workflow.feedback import ArticleFeedback

ARTICLES = Mutations("article", Article.from_document, TYPE_NAME, ArticleRepository, ArticleService)
FEEDBACK = Mutations(
    "article", Article.from_document, TYPE_NAME, ArticleRepository, ArticleFeedback
)


@payload("article", Article)
class PublishArticlePayload: ...


@payload("article", Article)
class ArchiveArticlePayload: ...


@payload("article", Article)
class RecordArticleViewPayload: ...


@payload("article", Article)
class RecordArticleFeedbackPayload: ...


@strawberry.type
class KnowledgeMutation:
    create_article, update_article = ARTICLES.create_and_update(
        Article, (CreateArticleInput, UpdateArticleInput), article_values, roles=TICKET_WRITERS
    )

    @strawberry.mutation(extensions=[allow(CRM_WRITERS)])
    async def publish_article(self, info: Info, id: strawberry.ID) -> PublishArticlePayload:
        return await ARTICLES.change(info, PublishArticlePayload, id, ArticleService.publish)

    @strawberry.mutation(extensions=[allow(CRM_WRITERS)])
    async def archive_article(self, info: Info, id: strawberry.ID) -> ArchiveArticlePayload:
        return await ARTICLES.change(info, ArchiveArticlePayload, id, ArticleService.archive)

    @strawberry.mutation(
        extensions=[allow(READERS)], description="Count a reader opening the article."
    )
    async def record_article_view(
        self, info: Info, article_id: strawberry.ID
    ) -> RecordArticleViewPayload:
        customer = customer_of(await info.context.require_principal())

        async def view(service: ArticleService, object_id: ObjectId) -> Document:
            return await service.viewed(object_id, published_only=customer is not None)

        return await ARTICLES.change(
            info, RecordArticleViewPayload, article_id, view, argument="articleId"
        )

    @strawberry.mutation(
        extensions=[allow(TICKET_WRITERS | {Role.CUSTOMER})],
        description=(
            "Whether an article answered a ticket's question, once per ticket and article. The "
            "customer saying an automatic answer helped resolves the consultation (deflected)."
        ),
    )
    async def record_article_feedback(
        self, info: Info, ticket_id: strawberry.ID, article_id: strawberry.ID, helpful: bool
    ) -> RecordArticleFeedbackPayload:
        customer = customer_of(await info.context.require_principal())

        async def record(service: ArticleFeedback, object_id: ObjectId) -> Document:
            ticket = decode_input_id(ticket_id, "Ticket", "ticketId")
            return await service.record(ticket, object_id, helpful, customer)

        return await FEEDBACK.change(
            info, RecordArticleFeedbackPayload, article_id, record, argument="articleId"
        )
