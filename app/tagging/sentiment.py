"""Sentiment of customer text in English and Chinese, offline.

``score`` sums lexicon valences with the rules customer-service text needs: negation ("not
happy", "不满意" is a lexicon term but "不 好" is negated), intensifiers and dampeners ("very",
"非常", "a bit"), contrast (what follows "but"/"但是" counts more than what precedes it),
complaint phrases ("still not", "want my money back", "还没收到"), emoji and exclamation marks.
``analyse`` feeds those scores, with hashed n-grams, to the learned model of
``sentiment_model`` (issue 17); ``rules`` is the rules alone. ``baseline`` is the lexicon
alone: the sum of word valences, for comparison.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum

from app.tagging import wordlists
from app.tagging.lexicon import MAX_PHRASE_TOKENS, Lexicon, lexicon
from app.tagging.sentiment_model import LABELS, shipped
from app.tagging.text import HANDLES, normalise

NEGATION_SCALE = -0.74
NEGATION_WINDOW = 3
BEFORE_CONTRAST, AFTER_CONTRAST = 0.5, 1.5
EXCLAMATION_STEP, MAX_EXCLAMATIONS = 0.06, 4
NORMALISER = 15.0
THRESHOLD = 0.2
SENTENCE_MARKS = frozenset("!?.;。！？；")


class Sentiment(Enum):
    NEGATIVE = "NEGATIVE"
    NEUTRAL = "NEUTRAL"
    POSITIVE = "POSITIVE"


@dataclass(frozen=True)
class SentimentResult:
    label: Sentiment
    score: float
    confidence: float


Analyser = Callable[[str], SentimentResult]


def squash(total: float) -> float:
    return total / math.sqrt(total * total + NORMALISER)


def classify(score: float, evidence: int) -> SentimentResult:
    """The label for ``score`` in [-1, 1], and how sure we are: far from the thresholds and
    backed by several cues is surer; no cue at all is a confident NEUTRAL."""
    if score >= THRESHOLD:
        label = Sentiment.POSITIVE
    elif score <= -THRESHOLD:
        label = Sentiment.NEGATIVE
    else:
        label = Sentiment.NEUTRAL
    if label is Sentiment.NEUTRAL:
        confidence = 0.9 if evidence == 0 else 0.5 + 0.4 * (1 - abs(score) / THRESHOLD)
    else:
        margin = (abs(score) - THRESHOLD) / (1 - THRESHOLD)
        confidence = 0.55 + 0.4 * min(margin * 1.5, 1.0) + 0.02 * min(evidence - 1, 2)
    return SentimentResult(label, round(score, 4), round(min(max(confidence, 0.34), 0.99), 4))


def analyse(text: str, language: str | None = None) -> SentimentResult:
    """The learned model's verdict (``sentiment_model``), or the rules' when none ships."""
    return analyse_many([text], [language])[0]


def analyse_many(
    texts: Sequence[str], languages: Sequence[str | None] | None = None
) -> list[SentimentResult]:
    """``analyse`` for a batch (one gather and matrix product per language)."""
    model = shipped()
    if model is None:
        return [rules(text) for text in texts]
    langs = list(languages) if languages is not None else [None] * len(texts)
    probabilities = model.probabilities_many(texts, langs, [lexicon_scores(t) for t in texts])
    out = []
    for p in probabilities:
        best = int(p.argmax())
        label, score = Sentiment(LABELS[best]), round(float(p[2] - p[0]), 4)
        out.append(SentimentResult(label, score, round(float(p[best]), 4)))
    return out


def lexicon_scores(text: str) -> tuple[float, ...]:
    """The model's dense inputs: the rules' score and the lexicon-only score, both squashed to
    [-1, 1], and the published word lists' three scores (``wordlists.scores``)."""
    lex = lexicon()
    normal = HANDLES.sub(" ", normalise(text))
    tokens = lex.tokens(normal)
    total, _ = score_tokens(normal, lex, tokens)
    base = sum(lex.words[t] for t in tokens if t in lex.words)
    return squash(total), squash(base), *wordlists.scores(normal)


def rules(text: str) -> SentimentResult:
    """The lexicon with negation, degree and contrast rules (the model before issue 17)."""
    total, evidence = score_tokens(normalise(text), lexicon())
    return classify(squash(total), evidence)


def baseline(text: str) -> SentimentResult:
    """Lexicon only: every word's valence added up, nothing else."""
    lex = lexicon()
    values = [lex.words[t] for t in lex.tokens(normalise(text)) if t in lex.words]
    return classify(squash(sum(values)), len(values))


def score_tokens(text: str, lex: Lexicon, tokens: list[str] | None = None) -> tuple[float, int]:
    """The raw valence sum of normalised ``text`` (its ``tokens`` when already known) and how
    many cues made it up."""
    tokens = lex.tokens(text) if tokens is None else tokens
    valences = _valences(tokens, lex)
    contrast = max((i for i, t in enumerate(tokens) if t in lex.contrasts), default=-1)
    total, evidence = 0.0, 0
    for index, value in valences:
        if contrast >= 0:
            value *= BEFORE_CONTRAST if index < contrast else AFTER_CONTRAST
        total += value
        evidence += 1
    for symbol, value in lex.emoji.items():
        if symbol in text:
            total += value * min(text.count(symbol), 3)
            evidence += 1
    if total:
        exclamations = min(text.count("!"), MAX_EXCLAMATIONS)
        total *= 1 + EXCLAMATION_STEP * exclamations
    return total, evidence


def _valences(tokens: list[str], lex: Lexicon) -> list[tuple[int, float]]:
    """(position, valence after negation and boosters) of every sentiment cue."""
    out: list[tuple[int, float]] = []
    i = 0
    while i < len(tokens):
        value, width = _cue(tokens, i, lex)
        if value is None:
            i += 1
            continue
        out.append((i, value * _modifier(tokens, i, lex)))
        i += width
    return out


def _cue(tokens: list[str], i: int, lex: Lexicon) -> tuple[float | None, int]:
    token = tokens[i]
    if token in lex.phrase_starts:
        for width in range(min(MAX_PHRASE_TOKENS, len(tokens) - i), 1, -1):
            phrase = tuple(tokens[i : i + width])
            if phrase in lex.phrases:
                return lex.phrases[phrase], width
    if token in lex.boosters and i + 1 < len(tokens) and _is_cue(tokens[i + 1], lex):
        return None, 1  # "好慢": the booster reading wins when a sentiment word follows
    value = lex.words.get(token)
    return (lex.cues.get(token) if value is None else value), 1


def _is_cue(token: str, lex: Lexicon) -> bool:
    return token in lex.words or token in lex.cues


def _modifier(tokens: list[str], i: int, lex: Lexicon) -> float:
    """Negators and boosters in the few tokens before a cue, within its sentence."""
    factor = 1.0
    for back in range(1, NEGATION_WINDOW + 1):
        j = i - back
        if j < 0 or tokens[j] in SENTENCE_MARKS or tokens[j] in lex.contrasts:
            break
        token = tokens[j]
        if token in lex.negators:
            factor *= NEGATION_SCALE
        elif token in lex.boosters:
            factor *= 1 + lex.boosters[token] * (1.0 if back == 1 else 0.7)
    return factor
