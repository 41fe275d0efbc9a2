"""One tagger: language, sentiment and topic tags for a batch of texts.

Tags the active model knows come from the model (source MODEL); tags it does not know yet
(new in the taxonomy, or too few examples) come from the keyword rules (source RULE).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum

from app.tagging.language import detect_language
from app.tagging.rules import KeywordRules
from app.tagging.sentiment import SentimentResult, analyse_many
from app.tagging.topic_model import TopicModel


class TagSource(Enum):
    RULE = "RULE"
    MODEL = "MODEL"
    AGENT = "AGENT"


@dataclass(frozen=True)
class AppliedTag:
    name: str
    confidence: float
    source: TagSource

    def to_document(self) -> dict[str, object]:
        return {"name": self.name, "confidence": self.confidence, "source": self.source.value}


@dataclass(frozen=True)
class Tagging:
    language: str
    sentiment: SentimentResult
    tags: list[AppliedTag]


class Tagger:
    def __init__(
        self,
        keywords: Mapping[str, Mapping[str, Sequence[str]]],
        model: TopicModel | None = None,
    ) -> None:
        """``keywords``: the active taxonomy (tag name → language → phrases)."""
        self.active = set(keywords)
        self.model = model
        known = set(model.tags) if model else set()
        self.rules = KeywordRules({k: v for k, v in keywords.items() if k not in known})

    def tag_many(self, texts: Sequence[str]) -> list[Tagging]:
        predictions = self.model.predict(texts) if self.model and texts else [[] for _ in texts]
        languages = [detect_language(text) for text in texts]
        sentiments = analyse_many(texts, languages)
        out = []
        for text, predicted, language, sentiment in zip(
            texts, predictions, languages, sentiments, strict=True
        ):
            tags = [
                AppliedTag(name, round(p, 4), TagSource.MODEL)
                for name, p in predicted
                if name in self.active
            ]
            tags += [
                AppliedTag(rule.name, rule.confidence, TagSource.RULE)
                for rule in self.rules.match(text)
            ]
            tags.sort(key=lambda tag: -tag.confidence)
            out.append(Tagging(language, sentiment, tags))
        return out
