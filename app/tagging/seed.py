"""What ships with the app: the default taxonomy and the seed training examples."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from app.tagging.models import Example

DATA = Path(__file__).parent / "data"


@cache
def default_taxonomy() -> list[dict[str, Any]]:
    """[{name, description, keywords: {en: [...], zh: [...]}}] from ``data/taxonomy.json``."""
    taxonomy: list[dict[str, Any]] = json.loads((DATA / "taxonomy.json").read_text("utf-8"))
    return taxonomy


def default_keywords() -> dict[str, dict[str, list[str]]]:
    return {tag["name"]: tag["keywords"] for tag in default_taxonomy()}


def read_examples(path: Path) -> list[dict[str, Any]]:
    """JSON Lines of ``{text, tags, sentiment[, language]}``."""
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


SEED_FILES = ("training.jsonl", "sentiment_written.jsonl")


@cache
def seed_examples() -> tuple[Example, ...]:
    """The topic-labelled examples we wrote (``data/training.jsonl``, the hand-written tickets,
    and ``data/sentiment_written.jsonl``, the free-written reviews and messages; PROVENANCE.md)."""
    return tuple(
        Example(row["text"], tuple(row["tags"]))
        for name in SEED_FILES
        for row in read_examples(DATA / name)
    )
