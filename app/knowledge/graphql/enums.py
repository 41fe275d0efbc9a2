"""The article enums as GraphQL shows them."""

from __future__ import annotations

import strawberry

from app.knowledge.models import ArticleStatus

strawberry.enum(ArticleStatus, description="DRAFT until published; ARCHIVED when withdrawn.")

__all__ = ["ArticleStatus"]
