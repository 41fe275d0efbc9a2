"""Article filters, sort orders and mutation inputs."""

from __future__ import annotations

from typing import Any

import strawberry

from app.graphql.inputs import QueryBuilder, check_list, sort_order
from app.graphql.mutations import provided
from app.knowledge.graphql.enums import ArticleStatus

ArticleOrderBy = sort_order(
    "Article", "articles", CREATED_AT="createdAt", UPDATED_AT="updatedAt", VIEWS="views"
)


@strawberry.input(description="Filters on articles; all given conditions must hold.")
class ArticleFilter:
    language: str | None = strawberry.field(default=None, description="en or zh.")
    status: list[ArticleStatus] | None = None
    tags: list[str] | None = strawberry.field(
        default=None, description="Articles with any of these tags."
    )

    def to_query(self) -> dict[str, Any]:
        query = QueryBuilder()
        if self.language is not None:
            query.add("language", self.language)
        query.one_of("status", self.status, "status")
        if self.tags is not None:
            check_list("tags", self.tags)
            query.add("tags", {"$in": [t.strip().lower() for t in self.tags]})
        return query.build()


@strawberry.input
class CreateArticleInput:
    title: str
    body: str = strawberry.field(description="Markdown.")
    language: str = strawberry.field(description="en or zh.")
    tags: list[str] = strawberry.field(default_factory=list, description="Taxonomy tag names.")


@strawberry.input(description="Only the fields given are changed.")
class UpdateArticleInput:
    title: str | None = strawberry.UNSET
    body: str | None = strawberry.UNSET
    language: str | None = strawberry.UNSET
    tags: list[str] | None = strawberry.UNSET


def article_values(input: CreateArticleInput | UpdateArticleInput) -> dict[str, Any]:
    if isinstance(input, CreateArticleInput):
        return {"title": input.title, "body": input.body, "language": input.language,
                "tags": input.tags}  # fmt: skip
    return provided(input, "title", "body", "language", "tags")
