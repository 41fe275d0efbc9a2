"""Fit the sentiment model and write ``app/tagging/data/sentiment_model.npz`` only when it beats
the shipped one (mean macro-F1 of the two languages on the evaluation sets,
``tests/data/tagging/sentiment_*.jsonl``); ``--force`` writes anyway.

Training texts: ``app/tagging/data/sentiment_training.jsonl`` (hand-written and composed) and
``sentiment_written.jsonl`` (free-written reviews and messages, weighted ``WRITTEN_WEIGHT``: they
are the closest to real feedback we have). ``tests/data/tagging/sentiment_written_*.jsonl`` are
written the same way and kept apart; the evaluation reads them with the generated sets.

    .venv/bin/python scripts/train/tagging_sentiment.py [--force]
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.tagging import sentiment_model as sm  # noqa: E402
from app.tagging.seed import DATA, read_examples  # noqa: E402
from app.tagging.sentiment import lexicon_scores  # noqa: E402

TESTS = ROOT / "tests" / "data" / "tagging"
REGULARIZATION = 8.0
WRITTEN_WEIGHT = 3.0
TRAINING = ("sentiment_training.jsonl", "sentiment_written.jsonl")
EVALUATION = ("sentiment_{}.jsonl", "sentiment_written_{}.jsonl")


def training_rows(language: str) -> list[dict[str, str]]:
    return [
        row
        for name in TRAINING
        if (DATA / name).exists()
        for row in read_examples(DATA / name)
        if row["language"] == language
    ]


def evaluation_rows(language: str) -> list[dict[str, str]]:
    paths = [TESTS / name.format(language) for name in EVALUATION]
    return [row for path in paths if path.exists() for row in read_examples(path)]


def matrix(texts: list[str], language: str) -> sp.csr_matrix:
    rows, cols, values = [], [], []
    for i, text in enumerate(texts):
        index, value = sm.columns(text, language)
        rows += [i] * len(index)
        cols += index.tolist()
        values += value.tolist()
    grams = sp.csr_matrix((values, (rows, cols)), shape=(len(texts), sm.BUCKETS))
    dense = np.vstack([sm.dense(t, lexicon_scores(t)) for t in texts])
    return sp.hstack([grams, sp.csr_matrix(dense)], format="csr")


def fit(
    rows: list[dict[str, str]],
    language: str,
    c: float = REGULARIZATION,
    written_weight: float = WRITTEN_WEIGHT,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = matrix([r["text"] for r in rows], language)
    y = np.array([sm.LABELS.index(r["sentiment"]) for r in rows])
    weights = np.array([written_weight if r["method"] == "written" else 1.0 for r in rows])
    model = LogisticRegression(C=c, max_iter=3000).fit(x, y, sample_weight=weights)
    coef = model.coef_
    return coef[:, : sm.BUCKETS], coef[:, sm.BUCKETS :], model.intercept_


def predict(model: sm.SentimentModel, texts: list[str], language: str) -> list[str]:
    scores = [lexicon_scores(t) for t in texts]
    probabilities = model.probabilities_many(texts, [language] * len(texts), scores)
    return [sm.LABELS[int(p.argmax())] for p in probabilities]


def macro_f1(model: sm.SentimentModel, rows: list[dict[str, str]], language: str) -> float:
    predicted = predict(model, [r["text"] for r in rows], language)
    return float(f1_score([r["sentiment"] for r in rows], predicted, average="macro"))


def main() -> None:
    parts = {lang: fit(training_rows(lang), lang) for lang in ("en", "zh")}
    version = datetime.now(UTC).strftime("%Y%m%d%H%M")
    model = sm.SentimentModel(
        version,
        {lang: p[0] for lang, p in parts.items()},
        {lang: p[1] for lang, p in parts.items()},
        {lang: p[2] for lang, p in parts.items()},
    )
    tests = {lang: evaluation_rows(lang) for lang in parts}
    new = {lang: macro_f1(model, tests[lang], lang) for lang in parts}
    try:
        old_model = sm.shipped()
    except ValueError:  # a model of an older format: the columns changed, it cannot be compared
        old_model = None
    old = {lang: macro_f1(old_model, tests[lang], lang) for lang in parts} if old_model else None
    print(f"new {version}: {new}; shipped: {old}")
    better = old is None or np.mean(list(new.values())) > np.mean(list(old.values()))
    if better or "--force" in sys.argv:
        sm.PATH.write_bytes(model.to_bytes())
        print(f"wrote {sm.PATH} ({sm.PATH.stat().st_size} bytes)")
    else:
        print("not better than the shipped model: kept the shipped one")


if __name__ == "__main__":
    main()
