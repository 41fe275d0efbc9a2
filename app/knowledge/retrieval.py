"""The answer model: ranks articles for a question and says how sure it is.

Relevance fuses three signals, each in [0, 1]:
- BM25 (k1 1.2, b 0.75) over the terms of ``analysis`` (English words, Chinese bigrams and
  characters; the title counts twice), divided by the most the question's terms could score,
  so that scores compare across questions;
- TF-IDF cosine over character 2-4-grams, which forgives typos ("refnud", "pasword") and
  Chinese words split differently;
- the taxonomy: an article tagged with a topic whose keywords the question uses (in either
  language) gains, which connects a question to an article in the other language.
Confidence is a logistic function of the best hit's fused score, its lead over the next, and
how much of the question it covers, fitted on the project's labelled questions
(``scripts/eval/answers.py --fit`` writes ``data/calibration.json``). Below the threshold
chosen there, the suggester answers nothing.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
from scipy import sparse

from app.knowledge.analysis import DATA, WORD, Lexicon, Speller, query_terms, shown, terms
from app.tagging.rules import KeywordRules
from app.tagging.text import normalise

K1, B = 1.2, 0.75
CHARACTER_NGRAMS = (2, 4)


@dataclass(frozen=True)
class Weights:
    """How the signals mix into one relevance score."""

    bm25: float = 1.0
    characters: float = 0.5
    topic: float = 0.1


@dataclass(frozen=True)
class Calibration:
    """Confidence = logistic(bias + coefficients . features); hits below ``threshold`` are
    withheld."""

    coefficients: tuple[float, ...]
    bias: float
    threshold: float

    def confidence(self, features: Sequence[float]) -> float:
        z = self.bias + sum(c * f for c, f in zip(self.coefficients, features, strict=True))
        return 1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0)))

    def to_json(self) -> dict[str, Any]:
        return {"coefficients": list(self.coefficients), "bias": self.bias,
                "threshold": self.threshold}  # fmt: skip

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Calibration:
        return cls(tuple(data["coefficients"]), float(data["bias"]), float(data["threshold"]))


CALIBRATION_FILE = DATA / "calibration.json"


@cache
def default_calibration() -> Calibration:
    return Calibration.from_json(json.loads(CALIBRATION_FILE.read_text(encoding="utf-8")))


@dataclass(frozen=True)
class Entry:
    """What the index knows of an article."""

    id: Any
    language: str
    title: str
    body: str
    tags: tuple[str, ...]


@dataclass(frozen=True)
class Hit:
    entry: Entry
    score: float
    confidence: float
    matched: tuple[str, ...]
    features: tuple[float, ...]


class ArticleIndex:
    """An immutable index over a set of articles; build it off the event loop."""

    def __init__(
        self,
        entries: Sequence[Entry],
        lexicon: Lexicon,
        keywords: Mapping[str, Mapping[str, Sequence[str]]],
        calibration: Calibration,
        weights: Weights = Weights(),
    ) -> None:
        self.entries = list(entries)
        self.lexicon = lexicon
        self.rules = KeywordRules(keywords)
        self.calibration = calibration
        self.weights = weights
        # scikit-learn loads with the first index, not with the app (tests/test_layout.py).
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.vocabulary: dict[str, int] = {}
        self.bm25 = self._bm25([_document_terms(e) for e in self.entries])
        known: Counter[str] = Counter()
        for e in self.entries:
            known.update(set(WORD.findall(normalise(f"{e.title} {e.body}"))))
        known.update(lexicon.words())
        self.speller = Speller(known)
        self.characters = TfidfVectorizer(
            analyzer="char_wb", ngram_range=CHARACTER_NGRAMS, sublinear_tf=True, dtype=np.float32
        )
        texts = [normalise(f"{e.title} {e.title} {e.body}") for e in self.entries]
        # Column slices of a CSC matrix: a question touches a few hundred n-grams of many.
        self.character_matrix = sparse.csc_matrix(
            self.characters.fit_transform(texts) if self.entries else sparse.csr_matrix((0, 0))
        )
        self.languages = np.array([e.language for e in self.entries])
        self.tag_columns = {
            name: n for n, name in enumerate(sorted({t for e in entries for t in e.tags}))
        }
        self.tag_matrix = np.zeros((len(self.entries), len(self.tag_columns)), dtype=np.float32)
        for row, entry in enumerate(self.entries):
            for tag in entry.tags:
                self.tag_matrix[row, self.tag_columns[tag]] = 1.0

    def __len__(self) -> int:
        return len(self.entries)

    def _bm25(self, documents: list[list[str]]) -> sparse.csc_matrix:
        rows, columns, counts = [], [], []
        lengths = np.zeros(len(documents), dtype=np.float64)
        for row, document in enumerate(documents):
            lengths[row] = len(document)
            tally: dict[int, int] = {}
            for term in document:
                column = self.vocabulary.setdefault(term, len(self.vocabulary))
                tally[column] = tally.get(column, 0) + 1
            rows += [row] * len(tally)
            columns += list(tally)
            counts += list(tally.values())
        shape = (len(documents), len(self.vocabulary))
        tf = sparse.csr_matrix((np.array(counts, dtype=np.float64), (rows, columns)), shape=shape)
        frequency = np.bincount(np.array(columns, dtype=np.int64), minlength=shape[1])
        n = max(len(documents), 1)
        self.idf = np.log(1.0 + (n - frequency + 0.5) / (frequency + 0.5))
        average = float(lengths.mean()) if len(documents) else 1.0
        norms = K1 * (1.0 - B + B * lengths / max(average, 1.0))
        tf = tf.tocoo()
        saturated = tf.data * (K1 + 1.0) / (tf.data + norms[tf.row])
        weighted = saturated * self.idf[tf.col]
        return sparse.csc_matrix((weighted, (tf.row, tf.col)), shape=shape)

    def search(self, text: str, language: str | None = None, first: int = 3) -> list[Hit]:
        """The best ``first`` articles for ``text`` (in ``language`` only, if given) with their
        confidence, best first (no threshold applied)."""
        if not self.entries or first <= 0:
            return []
        text = self.speller.correct_text(text)
        lexical, matched_in = self._lexical(text)
        vector = self.characters.transform([normalise(text)]).tocsr()
        characters = self.character_matrix[:, vector.indices] @ vector.data
        topics = [(self.tag_columns[t.name], t.confidence) for t in self.rules.match(text)
                  if t.name in self.tag_columns]  # fmt: skip
        topical = np.zeros(len(self.entries))
        if topics:
            columns, confidences = zip(*topics, strict=True)
            topical = (self.tag_matrix[:, list(columns)] * np.array(confidences)).max(axis=1)
        w = self.weights
        scores = w.bm25 * lexical + w.characters * characters + w.topic * topical
        if language is not None:  # only articles in that language
            scores = np.where(self.languages == language, scores, -np.inf)
        count = min(first + 1, len(self.entries))
        best = np.argpartition(-scores, count - 1)[:count]
        best = best[np.argsort(-scores[best], kind="stable")]
        hits = []
        for rank, row in enumerate(best[:first]):
            if not np.isfinite(scores[row]):
                break
            following = scores[best[rank + 1]] if rank + 1 < len(best) else 0.0
            following = following if np.isfinite(following) else 0.0
            matched, coverage = matched_in(int(row))
            features = (
                float(scores[row]),
                float(scores[row] - following),
                float(lexical[row]),
                float(characters[row]),
                coverage,
            )
            confidence = self.calibration.confidence(features)
            hits.append(Hit(self.entries[row], float(scores[row]), confidence, matched, features))
        return hits

    def _lexical(
        self, text: str
    ) -> tuple[np.ndarray, Callable[[int], tuple[tuple[str, ...], float]]]:
        """BM25 of every article, over the most the question's own terms could score; and a
        function giving an article's matched terms and the share of the question they are."""
        wanted = query_terms(text, self.lexicon)
        own = {t: wanted[t] for t in terms(text)}
        top_idf = float(self.idf.max(initial=1.0))
        ceiling = sum(
            w
            * (K1 + 1.0)
            * (float(self.idf[self.vocabulary[t]]) if t in self.vocabulary else top_idf)
            for t, w in own.items()
        )
        known = [(self.vocabulary[t], w, t) for t, w in wanted.items() if t in self.vocabulary]
        lexical = np.zeros(len(self.entries))
        if known:
            query = np.array([w for _, w, _ in known])
            lexical = np.asarray(self.bm25[:, [c for c, _, _ in known]] @ query).ravel()
        total = sum(own.values())

        def matched_in(row: int) -> tuple[tuple[str, ...], float]:
            present = [t for c, _, t in known if self.bm25[row, c] > 0]
            covered = sum(own.get(t, 0.0) for t in present)
            return tuple(
                dict.fromkeys(shown(t) for t in present)
            ), covered / total if total else 0.0

        return lexical / max(ceiling, 1e-9), matched_in


def _document_terms(entry: Entry) -> list[str]:
    title = terms(entry.title)
    return title + title + terms(entry.body)
