"""The learned sentiment model: hashed word and character n-grams plus the lexicon's scores,
one multinomial logistic regression per language (``en``, ``zh``).

Features need no vocabulary: every n-gram is hashed (CRC-32) into ``BUCKETS`` columns, so the
model is a few arrays, stored as ``data/sentiment_model.npz`` (no pickle) and applied with numpy
alone (the API never imports scikit-learn). English reads word uni- and bigrams and character
3-grams inside words (typos); Chinese reads character 1-3-grams. N-grams after the last contrast
word (but/however, 但是/不过/可是/就是) are counted a second time under their own prefix, so the
model can learn that the clause after a contrast carries the verdict. Dense columns: the rules'
score (negation, degree, contrast; see ``sentiment.score_tokens``), the lexicon-only score, the
published word lists' total, positive and negative mass (``wordlists``), a question mark,
exclamation marks. ``scripts/train/tagging_sentiment.py`` fits it.
"""

from __future__ import annotations

import io
import itertools
import json
import math
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from app.tagging.text import CJK, TOKEN, is_cjk, model_text

BUCKETS = 1 << 18
LABELS = ("NEGATIVE", "NEUTRAL", "POSITIVE")
FORMAT = 3
PATH = Path(__file__).parent / "data" / "sentiment_model.npz"
CONTRASTS_EN = frozenset({"but", "however", "although", "though", "yet"})
SENTENCE_MARKS = frozenset("!?.;,")
CONTRASTS_ZH = ("但是", "不过", "可是", "就是", "然而", "只是", "但")
DENSE = 7


def _hash(term: str) -> int:
    return zlib.crc32(term.encode("utf-8")) & (BUCKETS - 1)


NEGATORS_EN = frozenset({"not", "no", "never", "nothing", "nobody", "without", "hardly"})
NEGATORS_ZH = ("不", "没", "别", "无", "未")
NEGATION_SPAN = 3  # words (English) or characters (Chinese) after a negator


def _grams_en(tokens: list[str]) -> list[str]:
    words = [t for t in tokens if not is_cjk(t)]
    out = [f"w{w}" for w in words]
    negated = -1
    for k, w in enumerate(words):
        if w in NEGATORS_EN or w.endswith("n't"):
            negated = k
        elif w in SENTENCE_MARKS:
            negated = -1
        elif negated >= 0 and k - negated <= NEGATION_SPAN:
            out.append(f"n{w}")  # "not happy": happy under negation
    out += [f"b{a} {b}" for a, b in itertools.pairwise(words)]
    for w in words:
        if len(w) > 3:
            padded = f"<{w}>"
            out += [f"c{padded[k : k + 3]}" for k in range(len(padded) - 2)]
    return out


def _grams_zh(text: str) -> list[str]:
    out: list[str] = []
    for run in TOKEN.findall(text):
        if not is_cjk(run):
            out.append(f"w{run}")
            continue
        for size in (1, 2, 3):
            out += [f"z{run[k : k + size]}" for k in range(len(run) - size + 1)]
        for k, char in enumerate(run):
            if char in NEGATORS_ZH:  # 不太干净: 干净 under negation
                span = run[k + 1 : k + 1 + NEGATION_SPAN]
                out += [f"n{span[j : j + 2]}" for j in range(len(span) - 1)]
    return out


def _split_contrast(text: str, language: str) -> str:
    """The part of normalised ``text`` after its last contrast word ('' when none)."""
    if language == "zh":
        at = max(
            (text.rfind(word) + len(word) for word in CONTRASTS_ZH if word in text), default=-1
        )
        return text[at:] if at > 0 else ""
    tokens = TOKEN.findall(text)
    last = max((i for i, t in enumerate(tokens) if t in CONTRASTS_EN), default=-1)
    return " ".join(tokens[last + 1 :]) if last >= 0 else ""


class _Memo(dict[str, int]):
    """n-gram → column for one gram family (``prefix``); cleared when it holds ``LIMIT``."""

    LIMIT = 200_000

    def __init__(self, prefix: str) -> None:
        super().__init__()
        self.prefix = prefix

    def __missing__(self, key: str) -> int:
        if len(self) >= self.LIMIT:
            self.clear()
        value = self[key] = _hash(self.prefix + key)
        return value


class _WordMemo(dict[str, tuple[int, ...] | None]):
    """An English token → the columns of its unigram and character 3-grams (None for a run of
    Chinese characters, which the English reader skips), for one prefix ('' or 'A')."""

    def __init__(self, prefix: str) -> None:
        super().__init__()
        self.prefix = prefix

    def __missing__(self, word: str) -> tuple[int, ...] | None:
        if len(self) >= _Memo.LIMIT:
            self.clear()
        value: tuple[int, ...] | None = None
        if not is_cjk(word):
            found = [_hash(f"{self.prefix}w{word}")]
            if len(word) > 3:
                padded = f"<{word}>"
                found += [_hash(f"{self.prefix}c{padded[k : k + 3]}") for k in range(len(word))]
            value = tuple(found)
        self[word] = value
        return value


_MEMOS = {p + family: _Memo(p + family) for p in ("", "A") for family in "wzbn"}
_WORDS = {p: _WordMemo(p) for p in ("", "A")}


def _buckets_en(tokens: list[str], prefix: str, out: set[int]) -> None:
    """The columns of ``_grams_en(tokens)`` under ``prefix``, added to ``out``."""
    memo = _WORDS[prefix]
    words = []
    for token in tokens:
        if (columns := memo[token]) is not None:
            words.append(token)
            out.update(columns)
    negations, bigrams = _MEMOS[prefix + "n"], _MEMOS[prefix + "b"]
    negated = -1
    for k, w in enumerate(words):
        if w in NEGATORS_EN or w.endswith("n't"):
            negated = k
        elif w in SENTENCE_MARKS:
            negated = -1
        elif negated >= 0 and k - negated <= NEGATION_SPAN:
            out.add(negations[w])
    out.update([bigrams[f"{a} {b}"] for a, b in itertools.pairwise(words)])


def _buckets_zh(text: str, prefix: str, out: set[int]) -> None:
    """The columns of ``_grams_zh(text)`` under ``prefix``, added to ``out``."""
    words, chars, negations = (_MEMOS[prefix + f] for f in "wzn")
    for run in TOKEN.findall(text):
        if not is_cjk(run):
            out.add(words[run])
            continue
        size = len(run)
        out.update([chars[c] for c in run])
        out.update([chars[run[k : k + 2]] for k in range(size - 1)])
        out.update([chars[run[k : k + 3]] for k in range(size - 2)])
        for k, char in enumerate(run):
            if char in NEGATORS_ZH:
                span = run[k + 1 : k + 1 + NEGATION_SPAN]
                out.update([negations[span[j : j + 2]] for j in range(len(span) - 1)])


def buckets(normal: str, language: str) -> set[int]:
    """The columns of ``grams`` for ``normal`` (``model_text`` already applied), computed with
    memoised hashes per word (English) and per character n-gram (Chinese): the hot path."""
    out: set[int] = set()
    if language == "zh":
        _buckets_zh(normal, "", out)
        after = _split_contrast(normal, language)
        if after:
            _buckets_zh(after, "A", out)
        return out
    tokens = TOKEN.findall(normal)
    _buckets_en(tokens, "", out)
    last = max((i for i, t in enumerate(tokens) if t in CONTRASTS_EN), default=-1)
    if last >= 0 and last + 1 < len(tokens):
        _buckets_en(tokens[last + 1 :], "A", out)
    return out


def grams(text: str, language: str) -> list[str]:
    normal = model_text(text)
    read = _grams_zh if language == "zh" else (lambda t: _grams_en(TOKEN.findall(t)))
    after = _split_contrast(normal, language)
    return read(normal) + ([f"A{g}" for g in read(after)] if after else [])


Scores = tuple[float, ...]  # ``sentiment.lexicon_scores``: rules, lexicon, three word-list scores


def dense(text: str, scores: Scores) -> np.ndarray:
    """The dense columns of ``text`` whose lexicon scores are ``scores``."""
    return np.array(_dense_row(model_text(text), scores), dtype=np.float64)


def _dense_row(normal: str, scores: Scores) -> tuple[float, ...]:
    return (
        *scores,
        float("?" in normal),
        min(normal.count("!"), 3) / 3,
    )


def columns(text: str, language: str) -> tuple[np.ndarray, np.ndarray]:
    """(hashed columns, values): binary n-gram counts, L2-normalised."""
    index = np.fromiter(buckets(model_text(text), language), np.int64)
    values = np.full(len(index), 1.0 / math.sqrt(len(index)) if len(index) else 0.0)
    return index, values


def language_of(text: str) -> str:
    return "zh" if len(CJK.findall(text)) >= 2 else "en"


@dataclass
class SentimentModel:
    version: str
    weights: dict[str, np.ndarray]  # language -> (labels x BUCKETS)
    dense_weights: dict[str, np.ndarray]  # language -> (labels x DENSE)
    intercepts: dict[str, np.ndarray]  # language -> (labels,)

    def __post_init__(self) -> None:
        # (BUCKETS x labels): one text's n-grams gather contiguous rows.
        self.rows = {lang: np.ascontiguousarray(w.T) for lang, w in self.weights.items()}

    def probabilities(self, text: str, language: str | None, scores: Scores) -> np.ndarray:
        return np.asarray(self.probabilities_many([text], [language], [scores])[0])

    def probabilities_many(
        self,
        texts: Sequence[str],
        languages: Sequence[str | None],
        scores: Sequence[Scores],
    ) -> np.ndarray:
        """(texts x labels) probabilities; ``scores``: each text's lexicon scores."""
        out = np.zeros((len(texts), len(LABELS)))
        langs = [
            lang if lang in self.weights else language_of(text)
            for text, lang in zip(texts, languages, strict=True)
        ]
        for lang in set(langs):
            which = [i for i, other in enumerate(langs) if other == lang]
            normals = [model_text(texts[i]) for i in which]
            indexes = [np.fromiter(buckets(normal, lang), np.int64) for normal in normals]
            sizes = np.array([len(index) for index in indexes])
            gathered = self.rows[lang][np.concatenate([*indexes, np.zeros(0, np.int64)])]
            starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
            sums = np.zeros((len(which), len(LABELS)))
            filled = sizes > 0
            if filled.any():
                sums[filled] = np.add.reduceat(gathered, starts[filled], axis=0)
            logits = sums / np.sqrt(np.maximum(sizes, 1))[:, None]
            dense_rows = [
                _dense_row(normal, scores[i]) for normal, i in zip(normals, which, strict=True)
            ]
            features = np.array(dense_rows, dtype=np.float64)
            logits += features @ self.dense_weights[lang].T + self.intercepts[lang]
            out[which] = logits
        exp = np.exp(out - out.max(axis=1, keepdims=True))
        return np.asarray(exp / exp.sum(axis=1, keepdims=True))

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        header = {"format": FORMAT, "version": self.version, "languages": list(self.weights)}
        arrays = {"header": np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)}
        for lang in self.weights:
            arrays[f"{lang}_w"] = self.weights[lang].astype(np.float32)
            arrays[f"{lang}_d"] = self.dense_weights[lang]
            arrays[f"{lang}_b"] = self.intercepts[lang]
        np.savez_compressed(buffer, **arrays)  # type: ignore[arg-type]
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> SentimentModel:
        arrays = np.load(io.BytesIO(data), allow_pickle=False)
        header = json.loads(arrays["header"].tobytes())
        if header["format"] != FORMAT:
            raise ValueError(f"unknown sentiment model format {header['format']}")
        langs = header["languages"]
        return cls(
            header["version"],
            {lang: arrays[f"{lang}_w"] for lang in langs},
            {lang: arrays[f"{lang}_d"] for lang in langs},
            {lang: arrays[f"{lang}_b"] for lang in langs},
        )


@cache
def shipped() -> SentimentModel | None:
    """The model in ``data/`` (None before one was trained)."""
    return SentimentModel.from_bytes(PATH.read_bytes()) if PATH.exists() else None
