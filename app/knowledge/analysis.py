"""Terms of articles and questions, in English and Chinese.

English: words, lower-cased, stop words out, plural, past and -ing forms folded ("refunded",
"refunds" -> "refund"). Chinese: character bigrams of every run of Chinese characters (the
usual unit of Chinese retrieval without a segmenter's dictionary), single characters that
carry meaning alone as well. A question is expanded through the lexicon (``data/lexicon.tsv``:
lines of terms that mean the same, in either language), so a colloquial or English question
reaches an article worded otherwise or written in the other language.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from app.tagging.text import CJK, normalise

DATA = Path(__file__).parent / "data"
WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
# An expansion weighs less than what the customer wrote.
EXPANSION_WEIGHT = 0.6
# A single Chinese character matches loosely; it weighs less than a bigram.
CHARACTER_WEIGHT = 0.35

STOP_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers him his how i if in into is it its itself just
    me more most my myself no nor not now of off on once only or other our ours out over own
    same she should so some such than that the their them then there these they this those
    through to too under until up very was we were what when where which while who whom why
    will with would you your yours hi hello hey please thanks thank dear regards ok okay im
    ive id dont cant wont didnt doesnt isnt still also really just get got like want need know
    one way tell us let sure yet ever since much many lot""".split()  # noqa: SIM905
)
# Characters that say nothing alone (particles, pronouns, measure words); a bigram with one
# of them is noise too ("的订" of "我的订单", "来啊").
STOP_CHARACTERS = frozenset(
    "的了吗呢啊吧呀哦嘛么我你他她它们是在和与就都也还这那个一亲请问下好啥咋呗哈嗯"
)


def stem(word: str) -> str:
    """A light English stemmer: plural, past and -ing forms and a final e folded, so that
    "charge", "charges", "charged" and "charging" meet in "charg"."""
    if len(word) <= 3 or word.isdigit():
        return word
    base = word
    for suffix, replacement in (("ies", "y"), ("ied", "y"), ("sses", "ss")):
        if word.endswith(suffix):
            return word[: -len(suffix)] + replacement
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: -len(suffix)]
            base = base[:-1] if len(base) > 2 and base[-1] == base[-2] else base
            break
    else:
        if word.endswith("es") and word[-3:-2] in ("s", "x", "z", "h"):
            base = word[:-2]
        elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
            base = word[:-1]
    return base[:-1] if base.endswith("e") and len(base) > 4 else base


def fold(word: str) -> str:
    """A word without its plural s: how the lexicon compares words."""
    return word[:-1] if word.endswith("s") and len(word) > 3 else word


class Speller:
    """Corrects a misspelt English word to a known one at one edit (a letter dropped, added,
    changed or two swapped: "refnud", "cancle", "adress"), the most frequent if several."""

    def __init__(self, frequency: Counter[str]) -> None:
        self.frequency = frequency
        self.deletes: dict[str, set[str]] = {}
        for word in frequency:
            if len(word) >= 4:
                for variant in {word, *_deletes(word)}:
                    self.deletes.setdefault(variant, set()).add(word)

    def correct(self, word: str) -> str:
        if len(word) < 4 or word in self.frequency or word in STOP_WORDS or word.isdigit():
            return word
        found: set[str] = set(self.deletes.get(word, ()))
        for variant in _deletes(word):
            found |= self.deletes.get(variant, set())
        if not found:
            return word
        return max(sorted(found), key=lambda w: self.frequency[w])

    def correct_text(self, text: str) -> str:
        normal = normalise(text)
        return WORD.sub(lambda m: self.correct(m.group()), normal)


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def terms(text: str) -> list[str]:
    """The terms of a text, in order: stemmed English words and Chinese bigrams/characters."""
    normal = normalise(text)
    found: list[str] = []
    for token in TOKEN.findall(normal):
        if CJK.match(token):
            found += _chinese(token)
        else:
            word = token.split("'")[0]
            if word not in STOP_WORDS and not (word.isdigit() and len(word) > 4):
                found.append(stem(word))
    return found


def _chinese(run: str) -> list[str]:
    characters = [c for c in run if c not in STOP_CHARACTERS]
    bigrams = [run[i : i + 2] for i in range(len(run) - 1)]
    kept = [b for b in bigrams if b[0] not in STOP_CHARACTERS and b[1] not in STOP_CHARACTERS]
    return kept + [f"·{c}" for c in characters]


def weight_of(term: str) -> float:
    return CHARACTER_WEIGHT if term.startswith("·") else 1.0


def shown(term: str) -> str:
    """A term as a person reads it (single characters carry a marker inside the index)."""
    return term.removeprefix("·")


@dataclass(frozen=True)
class Lexicon:
    """Groups of terms that mean the same (in English, Chinese or both)."""

    groups: tuple[tuple[str, ...], ...]

    @classmethod
    def from_lines(cls, lines: Iterable[str]) -> Lexicon:
        groups = []
        for line in lines:
            line = line.split("#", 1)[0].strip()
            phrases = tuple(p for p in (normalise(x).strip() for x in line.split("|")) if p)
            if len(phrases) >= 2:
                groups.append(phrases)
        return cls(tuple(groups))

    def expand(self, text: str) -> list[str]:
        """The phrases of every group one of whose phrases occurs in ``text``, minus those
        already there."""
        normal = normalise(text)
        words = f" {' '.join(fold(w) for w in WORD.findall(normal))} "
        added: list[str] = []
        for group in self.groups:
            present = [p for p in group if _occurs(p, normal, words)]
            if present:
                added += [p for p in group if p not in present]
        return added

    def words(self) -> set[str]:
        return {w for group in self.groups for p in group for w in WORD.findall(p)}


def _occurs(phrase: str, normal: str, words: str) -> bool:
    if CJK.search(phrase):
        return phrase in normal
    return f" {' '.join(fold(w) for w in WORD.findall(phrase))} " in words


@cache
def default_lexicon() -> Lexicon:
    return Lexicon.from_lines((DATA / "lexicon.tsv").read_text(encoding="utf-8").splitlines())


def query_terms(text: str, lexicon: Lexicon) -> dict[str, float]:
    """A question's terms with their weights: its own, then the lexicon's expansions (weighing
    less; their single Chinese characters left out, they would match too loosely)."""
    weights: dict[str, float] = {}
    for term in terms(text):
        weights[term] = max(weights.get(term, 0.0), weight_of(term))
    for phrase in lexicon.expand(text):
        for term in terms(phrase):
            if term not in weights and not term.startswith("·"):
                weights[term] = EXPANSION_WEIGHT
    return weights
