"""Benchmark suggestedArticles: the index build and the latency of a suggestion (p50/p99)
with 1,000 and 10,000 published articles, through the GraphQL schema on the embedded store
(or CRM_MONGODB_URL).

The articles are the labelled set's, repeated with their sentences shuffled among articles of
the same language (so that the index holds that many distinct texts); the questions are the
labelled questions.

    .venv/bin/python scripts/bench/answers.py [--sizes 1000 10000] [--questions 200]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bson import ObjectId  # noqa: E402
from measure import quantiles  # noqa: E402  (beside this script)

from app.core.db import Database  # noqa: E402
from app.core.settings import Settings  # noqa: E402
from app.graphql.context import Context  # noqa: E402
from app.knowledge.analysis import DATA  # noqa: E402
from app.knowledge.models import new_article  # noqa: E402
from app.knowledge.repository import PUBLISHED  # noqa: E402
from app.knowledge.suggest import VERSION_SECONDS, Suggester, forget_index  # noqa: E402
from app.repositories import REPOSITORIES  # noqa: E402
from app.schema import create_schema  # noqa: E402
from app.tagging.repository import TagRepository  # noqa: E402

SUGGEST = """query($text: String!) {
  suggestedArticles(text: $text, first: 3) { article { id } confidence } }"""
SENTENCE = re.compile(r"(?<=[.!?。！？])\s*")


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def articles(count: int, seed: int) -> list[dict[str, Any]]:
    """``count`` article documents: the labelled ones, then variants mixing their sentences."""
    source = read_jsonl(DATA / "articles.jsonl")
    rng = random.Random(seed)
    sentences = {
        lang: [s for a in source if a["language"] == lang for s in SENTENCE.split(a["body"]) if s]
        for lang in ("en", "zh")
    }
    now = datetime.now(UTC)
    made = []
    for n in range(count):
        base = source[n % len(source)]
        body = base["body"]
        if n >= len(source):
            extra = rng.sample(sentences[base["language"]], 3)
            body = " ".join([*SENTENCE.split(body)[:2], *extra])
        fields = {"title": f"{base['title']} ({n})" if n >= len(source) else base["title"],
                  "body": body, "language": base["language"], "tags": base["tags"]}  # fmt: skip
        written = now - timedelta(seconds=count - n)
        made.append({**new_article(fields, written), "_id": ObjectId(), "status": PUBLISHED})
    return made


async def bench(database: Database, settings: Settings, size: int, questions: list[str]) -> None:
    collection = database.db["articles"]
    await collection.delete_many({})
    documents = articles(size, seed=size)
    for start in range(0, len(documents), 1000):
        await collection.insert_many(documents[start : start + 1000])
    forget_index(database.db)
    started = time.perf_counter()
    index = await Suggester(database.db).index()
    build = time.perf_counter() - started
    schema = create_schema(settings)
    times = []
    for text in questions:
        context = Context(database.db, settings)
        began = time.perf_counter()
        result = await schema.execute(SUGGEST, variable_values={"text": text},
                                      context_value=context)  # fmt: skip
        times.append((time.perf_counter() - began) * 1000)
        assert result.errors is None, result.errors
    p50, p99 = quantiles(times)
    print(f"{size:>6} articles: index build {build:.2f} s ({len(index)} indexed); "
          f"suggestion p50 {p50:.1f} ms, p99 {p99:.1f} ms over {len(times)} questions "
          f"(the version read at most every {VERSION_SECONDS:.0f} s)")  # fmt: skip


async def main(args: argparse.Namespace) -> None:
    url = os.environ.get("CRM_MONGODB_URL")
    asked = [q["text"] for q in read_jsonl(DATA / "questions.jsonl")]
    questions = random.Random(1).sample(asked, min(args.questions, len(asked)))
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(mongodb_url=url, data_file=str(Path(tmp) / "bench.sqlite"),
                            database="bench_answers")  # fmt: skip
        database = await Database.connect(settings)
        try:
            await database.client.drop_database(database.db.name)
            await database.ensure_indexes(REPOSITORIES)
            await TagRepository(database.db).ensure_defaults(datetime.now(UTC))
            print(f"store: {'MongoDB' if url else 'embedded (SQLite)'}")
            for size in args.sizes:
                await bench(database, settings, size, questions)
        finally:
            await database.client.drop_database(database.db.name)
            await database.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--questions", type=int, default=200)
    asyncio.run(main(parser.parse_args()))
