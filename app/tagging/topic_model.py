"""The supervised topic model: TF-IDF word and character n-grams, one linear classifier per tag.

Character n-grams (2-4, inside whitespace-separated chunks) read Chinese without a word
segmenter and survive English typos; word uni- and bigrams carry English phrases. Each tag's
classifier is a class-balanced logistic regression; at prediction time all of them are one
matrix product. A model is stored as plain arrays (``to_bytes``), never as a pickle.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp
from threadpoolctl import threadpool_limits

from app.tagging.models import Example
from app.tagging.rules import KeywordRules
from app.tagging.text import model_text

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import TfidfVectorizer

# scikit-learn is imported where a model is fitted: importing it costs every process (CLI
# commands, the API until a job runs) over a second of start-up.

THRESHOLD = 0.5
NO_FALLBACK = 1.0
REGULARIZATION_DEFAULT = 4.0  # inverse strength (scikit-learn's C)
REGULARIZATION = REGULARIZATION_DEFAULT
RULE_WEIGHT = 1.0  # the keyword rules' verdict per tag, as one more feature column each
MIN_POSITIVES = 3
FORMAT = 1
WORD_OPTIONS = {"analyzer": "word", "ngram_range": (1, 2), "sublinear_tf": True, "min_df": 1}
CHAR_OPTIONS = {
    "analyzer": "char_wb",
    "ngram_range": (2, 4),
    "sublinear_tf": True,
    "min_df": 2,
    "max_features": 120_000,
}


Keywords = dict[str, dict[str, list[str]]]


def rule_features(rules: KeywordRules, names: Sequence[str], texts: Sequence[str]) -> sp.csr_matrix:
    """One column per tag: the keyword rules' confidence (0 when no keyword matched)."""
    column = {name: j for j, name in enumerate(names)}
    rows, cols, values = [], [], []
    for i, text in enumerate(texts):
        for hit in rules.match(text):
            rows.append(i)
            cols.append(column[hit.name])
            values.append(hit.confidence * RULE_WEIGHT)
    return sp.csr_matrix((values, (rows, cols)), shape=(len(texts), len(names)))


@dataclass
class TopicModel:
    tags: list[str]
    keywords: Keywords
    word: TfidfVectorizer
    char: TfidfVectorizer
    coef: np.ndarray
    intercept: np.ndarray
    threshold: float = THRESHOLD
    # Per-tag thresholds (tuned where a tag has examples enough), and the probability at which
    # the likeliest tag still applies to a text no tag reached its threshold on (1.0 = never).
    thresholds: list[float] | None = None
    fallback: float = NO_FALLBACK

    def __post_init__(self) -> None:
        self.rules = KeywordRules(self.keywords)

    def features(self, texts: Sequence[str]) -> sp.csr_matrix:
        return _features(self.word, self.char, self.rules, list(self.keywords), texts)

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """(texts × tags) probabilities."""
        scores = self.features(texts) @ self.coef.T + self.intercept
        return np.asarray(1.0 / (1.0 + np.exp(-scores)))

    def cutoffs(self) -> np.ndarray:
        """Each tag's threshold (the shared one where no tag-specific one was tuned)."""
        if self.thresholds is None:
            return np.full(len(self.tags), self.threshold)
        return np.asarray(self.thresholds, dtype=np.float64)

    def predict(self, texts: Sequence[str]) -> list[list[tuple[str, float]]]:
        cutoffs = self.cutoffs()
        return [
            [(self.tags[j], float(row[j])) for j in _applied(row, cutoffs, self.fallback)]
            for row in self.probabilities(texts)
        ]

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        header = {
            "format": FORMAT,
            "tags": self.tags,
            "keywords": self.keywords,
            "threshold": self.threshold,
            "thresholds": self.thresholds,
            "fallback": self.fallback,
            "word": _vocabulary(self.word),
            "char": _vocabulary(self.char),
        }
        np.savez_compressed(
            buffer,
            header=np.frombuffer(json.dumps(header).encode(), dtype=np.uint8),
            word_idf=self.word.idf_,
            char_idf=self.char.idf_,
            coef=self.coef,
            intercept=self.intercept,
        )
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> TopicModel:
        arrays = np.load(io.BytesIO(data), allow_pickle=False)
        header = json.loads(arrays["header"].tobytes())
        if header["format"] != FORMAT:
            raise ValueError(f"unknown tagger model format {header['format']}")
        return cls(
            tags=header["tags"],
            keywords=header["keywords"],
            word=_vectorizer(WORD_OPTIONS, header["word"], arrays["word_idf"]),
            char=_vectorizer(CHAR_OPTIONS, header["char"], arrays["char_idf"]),
            coef=arrays["coef"],
            intercept=arrays["intercept"],
            threshold=header["threshold"],
            thresholds=header.get("thresholds"),  # versions saved before per-tag thresholds
            fallback=header.get("fallback", NO_FALLBACK),
        )


def _vocabulary(vectorizer: TfidfVectorizer) -> list[str]:
    """Terms in column order."""
    terms = [""] * len(vectorizer.vocabulary_)
    for term, column in vectorizer.vocabulary_.items():
        terms[column] = term
    return terms


def _vectorizer(options: dict[str, object], terms: list[str], idf: np.ndarray) -> TfidfVectorizer:
    from sklearn.feature_extraction.text import TfidfVectorizer

    kept = {k: v for k, v in options.items() if k not in ("min_df", "max_features")}
    vectorizer = TfidfVectorizer(vocabulary={t: i for i, t in enumerate(terms)}, **kept)
    vectorizer.idf_ = idf
    return vectorizer


def trainable_tags(examples: Sequence[Example], tags: Sequence[str]) -> list[str]:
    """Tags with enough positive examples to learn (others stay with the keyword rules)."""
    counts = {tag: 0 for tag in tags}
    for example in examples:
        for tag in example.tags:
            if tag in counts:
                counts[tag] += 1
    return [tag for tag in tags if MIN_POSITIVES <= counts[tag] < len(examples)]


def _features(
    word: TfidfVectorizer,
    char: TfidfVectorizer,
    rules: KeywordRules,
    names: Sequence[str],
    texts: Sequence[str],
) -> sp.csr_matrix:
    prepared = [model_text(t) for t in texts]
    return sp.hstack(
        [word.transform(prepared), char.transform(prepared), rule_features(rules, names, texts)],
        format="csr",
    )


def train(
    examples: Sequence[Example], keywords: Keywords, *, tune_threshold: bool = True
) -> TopicModel:
    """Fit a model for the taxonomy's trainable tags (CPU-heavy: run it off the event loop).

    The thresholds are chosen by 4-fold cross-validation on the training examples, so the
    held-out set stays unseen: a shared one (macro-F1), one per tag with ``MIN_TUNED``
    examples or more (that tag's F1), and the fallback for texts no tag reached (micro-F1).
    """
    learnable = trainable_tags(examples, list(keywords))
    if not learnable:
        raise ValueError("no tag has enough examples to learn")
    with threadpool_limits(1):
        model = _fit(examples, keywords, learnable)
        if tune_threshold:
            model.threshold, model.thresholds, model.fallback = _tuned_cutoffs(
                examples, keywords, learnable
            )
        return model


def _fit(examples: Sequence[Example], keywords: Keywords, learnable: list[str]) -> TopicModel:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    prepared = [model_text(e.text) for e in examples]
    word = TfidfVectorizer(**WORD_OPTIONS)
    char = TfidfVectorizer(**CHAR_OPTIONS)
    word.fit(prepared)
    char.fit(prepared)
    rules = KeywordRules(keywords)
    matrix = _features(word, char, rules, list(keywords), [e.text for e in examples])
    coefs, intercepts = [], []
    for tag in learnable:
        y = np.array([tag in e.tags for e in examples], dtype=np.int8)
        classifier = LogisticRegression(
            C=REGULARIZATION, class_weight="balanced", solver="liblinear"
        ).fit(matrix, y)
        coefs.append(classifier.coef_[0])
        intercepts.append(classifier.intercept_[0])
    return TopicModel(
        tags=learnable,
        keywords={k: {lang: list(v) for lang, v in by.items()} for k, by in keywords.items()},
        word=word,
        char=char,
        coef=np.vstack(coefs),
        intercept=np.array(intercepts),
    )


def _applied(row: np.ndarray, cutoffs: np.ndarray, fallback: float) -> list[int]:
    """The tags ``row``'s probabilities reach, else the likeliest one if it reaches
    ``fallback``."""
    hits = [int(j) for j in np.flatnonzero(row >= cutoffs)]
    if not hits and len(row) and row.max() >= fallback:
        hits = [int(row.argmax())]
    return hits


CANDIDATE_THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7)
# A complaint about rude staff or a three-hour wait must not end up untagged because no tag was
# sure enough: a tuned model always has a fallback; its floor keeps "hi" or "ok" untagged.
CANDIDATE_FALLBACKS = (0.35, 0.3, 0.25, 0.2, 0.15)
FOLDS = 4
MIN_TUNED = 12  # positive examples a tag needs for a threshold of its own


def _tuned_cutoffs(
    examples: Sequence[Example], keywords: Keywords, learnable: list[str]
) -> tuple[float, list[float] | None, float]:
    if len(examples) < FOLDS * 10:
        return THRESHOLD, None, NO_FALLBACK
    probabilities = np.zeros((len(examples), len(learnable)))
    for fold in range(FOLDS):
        train_part = [e for i, e in enumerate(examples) if i % FOLDS != fold]
        test_index = [i for i in range(len(examples)) if i % FOLDS == fold]
        if not all(sum(t in e.tags for e in train_part) for t in learnable):
            return THRESHOLD, None, NO_FALLBACK
        model = _fit(train_part, keywords, learnable)
        probabilities[test_index] = model.probabilities([examples[i].text for i in test_index])
    truth = [list(e.tags) for e in examples]
    # Each tag's F1 at a threshold, straight from the matrices (the same figures as evaluate()).
    labelled = np.array([[tag in e.tags for tag in learnable] for e in examples], dtype=bool)
    present = labelled.any(axis=0)

    def tag_f1(threshold: float) -> np.ndarray:
        predicted = probabilities >= threshold
        hits = (predicted & labelled).sum(axis=0)
        total = predicted.sum(axis=0) + labelled.sum(axis=0)
        return np.asarray(np.where(total > 0, 2 * hits / np.maximum(total, 1), 0.0))

    by_threshold = {t: tag_f1(t) for t in CANDIDATE_THRESHOLDS}
    shared = max(CANDIDATE_THRESHOLDS, key=lambda t: float(by_threshold[t][present].mean()))
    per_tag = [shared] * len(learnable)
    for j in range(len(learnable)):
        if labelled[:, j].sum() >= MIN_TUNED:
            per_tag[j] = max(CANDIDATE_THRESHOLDS, key=lambda t: float(by_threshold[t][j]))
    cutoffs = np.array(per_tag)
    # Real feedback nearly always has a topic: the fallback is judged on the examples that do.
    topical = [i for i, tags in enumerate(truth) if tags]

    def topical_f1(fallback: float) -> float:
        predicted = [
            [learnable[j] for j in _applied(probabilities[i], cutoffs, fallback)] for i in topical
        ]
        return evaluate([truth[i] for i in topical], predicted, learnable).micro_f1

    fallback = max(CANDIDATE_FALLBACKS, key=topical_f1) if topical else NO_FALLBACK
    return shared, per_tag, fallback


@dataclass(frozen=True)
class TagScore:
    tag: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class Evaluation:
    tags: list[TagScore]
    macro_f1: float
    micro_f1: float
    examples: int


def evaluate(
    truth: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]], tags: Sequence[str]
) -> Evaluation:
    """Per-tag precision/recall/F1, macro- and micro-F1, over ``tags``."""
    from sklearn.metrics import precision_recall_fscore_support

    index = {tag: j for j, tag in enumerate(tags)}

    def binary(rows: Sequence[Sequence[str]]) -> np.ndarray:
        matrix = np.zeros((len(rows), len(tags)), dtype=np.int8)
        for i, row in enumerate(rows):
            for tag in row:
                if tag in index:
                    matrix[i, index[tag]] = 1
        return matrix

    y_true, y_pred = binary(truth), binary(predicted)
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, average=None, zero_division=0)
    micro = precision_recall_fscore_support(y_true, y_pred, average="micro", zero_division=0)
    scores = [
        TagScore(tag, float(p[j]), float(r[j]), float(f[j]), int(s[j]))
        for j, tag in enumerate(tags)
    ]
    present = [score.f1 for score in scores if score.support > 0]
    macro = float(np.mean(present)) if present else 0.0
    return Evaluation(scores, macro, float(micro[2]), len(truth))
