"""Keyword rules: the taxonomy's seed keywords and phrases, matched in English and Chinese."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from app.tagging.text import CJK, normalise

# A keyword counts once however often it appears; more distinct keywords, more confidence.
BASE_CONFIDENCE, STEP, MAX_CONFIDENCE = 0.5, 0.12, 0.9
WORD = re.compile(r"[a-z0-9]+(?:['\-][a-z0-9]+)*")
SUFFIXES = ("s", "es", "ed", "d", "ing")
FORMS_LIMIT = 100_000  # tokens whose forms are remembered


@dataclass(frozen=True)
class RuleTag:
    name: str
    confidence: float


def _forms(token: str) -> list[str]:
    """The token and what it may be a plural, past or -ing form of."""
    forms = [token]
    for suffix in SUFFIXES:
        if token.endswith(suffix) and len(token) > len(suffix) + 1:
            forms.append(token[: -len(suffix)])
    return forms


class KeywordRules:
    """Matches each tag's keywords: Chinese ones as substrings (Chinese has no spaces), Latin
    ones as whole words, the last word also in plural, past and -ing forms ("refunded"); a
    Latin keyword listed under Chinese is a word too ("app" must not match "wrapping"). All
    keywords run on every text, since tickets mix languages."""

    def __init__(self, keywords: Mapping[str, Mapping[str, Iterable[str]]]) -> None:
        self.phrases: dict[tuple[str, ...], set[str]] = {}
        self.chinese: list[tuple[str, str]] = []
        self.names: list[str] = []
        for name, by_language in keywords.items():
            found = False
            for phrases in by_language.values():
                for phrase in {normalise(p).strip() for p in phrases if p.strip()}:
                    if CJK.search(phrase):
                        self.chinese.append((phrase, name))
                        found = True
                    elif words := tuple(WORD.findall(phrase)):
                        self.phrases.setdefault(words, set()).add(name)
                        found = True
            if found:
                self.names.append(name)
        self.longest = max((len(p) for p in self.phrases), default=0)
        # Every proper beginning of a Latin phrase, so a scan stops at the first token that
        # starts none; Chinese phrases by their first character, so only those run whose first
        # character is in the text; and each token's forms, worked out once.
        self.heads = {words[:k] for words in self.phrases for k in range(1, len(words))}
        self.by_first: dict[str, list[tuple[str, str]]] = {}
        for phrase, name in self.chinese:
            self.by_first.setdefault(phrase[0], []).append((phrase, name))
        self.forms: dict[str, list[str]] = {}

    def match(self, text: str) -> list[RuleTag]:
        normal = normalise(text)
        hits: dict[str, set[object]] = {}
        tokens = WORD.findall(normal) if self.phrases else []
        forms = self.forms
        if len(forms) > FORMS_LIMIT:
            forms.clear()
        for i in range(len(tokens)):
            for size in range(1, min(self.longest, len(tokens) - i) + 1):
                head = tuple(tokens[i : i + size - 1])
                if size > 1 and head not in self.heads:
                    break  # no phrase starts so; none starts with anything longer either
                last = tokens[i + size - 1]
                if (variants := forms.get(last)) is None:
                    variants = forms[last] = _forms(last)
                for form in variants:
                    for name in self.phrases.get((*head, form), ()):
                        hits.setdefault(name, set()).add((*head, form))
        for first in self.by_first.keys() & set(normal):
            for phrase, name in self.by_first[first]:
                if phrase in normal:
                    hits.setdefault(name, set()).add(phrase)
        return [
            RuleTag(name, round(min(BASE_CONFIDENCE + STEP * len(found), MAX_CONFIDENCE), 4))
            for name in self.names
            if (found := hits.get(name))
        ]
