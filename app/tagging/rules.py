"""Keyword rules: the taxonomy's seed keywords and phrases, matched in English and Chinese."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from app.tagging.text import CJK, normalise

# A keyword counts once however often it appears; more distinct keywords, more confidence.
BASE_CONFIDENCE, STEP, MAX_CONFIDENCE = 0.5, 0.12, 0.9
ENGLISH_SUFFIXES = r"(?:s|es|ed|d|ing)?"


@dataclass(frozen=True)
class RuleTag:
    name: str
    confidence: float


class KeywordRules:
    """Matches each tag's keywords: Chinese ones as substrings (Chinese has no spaces), Latin
    ones as whole words with plural and past forms (also when listed under Chinese: "app" must
    not match "wrapping"); all on every text, since tickets mix languages."""

    def __init__(self, keywords: Mapping[str, Mapping[str, Iterable[str]]]) -> None:
        self.patterns: dict[str, re.Pattern[str]] = {}
        for name, by_language in keywords.items():
            alternatives = []
            for phrases in by_language.values():
                for phrase in sorted({normalise(p).strip() for p in phrases if p.strip()}):
                    escaped = re.escape(phrase)
                    if CJK.search(phrase):
                        alternatives.append(escaped)
                    else:
                        alternatives.append(rf"\b{escaped}{ENGLISH_SUFFIXES}\b")
            if alternatives:
                self.patterns[name] = re.compile("|".join(alternatives))

    @property
    def names(self) -> list[str]:
        return list(self.patterns)

    def match(self, text: str) -> list[RuleTag]:
        normal = normalise(text)
        out = []
        for name, pattern in self.patterns.items():
            hits = {m.group() for m in pattern.finditer(normal)}
            if hits:
                confidence = min(BASE_CONFIDENCE + STEP * len(hits), MAX_CONFIDENCE)
                out.append(RuleTag(name, round(confidence, 4)))
        return out
