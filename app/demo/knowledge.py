"""The demo's help center: the labelled set's articles, English and Chinese, published."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from app.core.db import MongoDatabase
from app.knowledge.analysis import DATA
from app.knowledge.models import new_article
from app.knowledge.repository import PUBLISHED, ArticleRepository
from app.knowledge.suggest import forget_index


async def knowledge_demo(db: MongoDatabase) -> dict[str, int]:
    """Publish the labelled set's articles (the default rules answer consultations with them)."""
    lines = (DATA / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    now = datetime.now(UTC)
    documents = []
    for n, line in enumerate(lines):
        source = json.loads(line)
        fields = {k: source[k] for k in ("title", "body", "language", "tags")}
        written = now - timedelta(days=60, hours=n)
        article = {**new_article(fields, written), "status": PUBLISHED, "publishedAt": written}
        documents.append(article)
    await ArticleRepository(db).collection.insert_many(documents)
    forget_index(db)
    return {"articles": len(documents)}
