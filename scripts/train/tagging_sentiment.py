"""Fit the sentiment model on ``app/tagging/data/sentiment_training.jsonl`` and write
``app/tagging/data/sentiment_model.npz`` only when it beats the shipped one (mean macro-F1 of
the two languages on ``tests/data/tagging/sentiment_*.jsonl``); ``--force`` writes anyway.

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


def matrix(texts: list[str], language: str) -> sp.csr_matrix:
    rows, cols, values = [], [], []
    for i, text in enumerate(texts):
        index, value = sm.columns(text, language)
        rows += [i] * len(index)
        cols += index.tolist()
        values += value.tolist()
    grams = sp.csr_matrix((values, (rows, cols)), shape=(len(texts), sm.BUCKETS))
    dense = np.vstack([sm.dense(t, *lexicon_scores(t)) for t in texts])
    return sp.hstack([grams, sp.csr_matrix(dense)], format="csr")


def fit(language: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rows = [
        r for r in read_examples(DATA / "sentiment_training.jsonl") if r["language"] == language
    ]
    x = matrix([r["text"] for r in rows], language)
    y = np.array([sm.LABELS.index(r["sentiment"]) for r in rows])
    model = LogisticRegression(C=REGULARIZATION, max_iter=2000).fit(x, y)
    coef = model.coef_
    return coef[:, : sm.BUCKETS], coef[:, sm.BUCKETS :], model.intercept_


def macro_f1(model: sm.SentimentModel, language: str) -> float:
    rows = read_examples(TESTS / f"sentiment_{language}.jsonl")
    truth = [r["sentiment"] for r in rows]
    predicted = [
        sm.LABELS[
            int(model.probabilities(r["text"], language, *lexicon_scores(r["text"])).argmax())
        ]
        for r in rows
    ]
    return float(f1_score(truth, predicted, average="macro"))


def main() -> None:
    parts = {lang: fit(lang) for lang in ("en", "zh")}
    version = datetime.now(UTC).strftime("%Y%m%d%H%M")
    model = sm.SentimentModel(
        version,
        {lang: p[0] for lang, p in parts.items()},
        {lang: p[1] for lang, p in parts.items()},
        {lang: p[2] for lang, p in parts.items()},
    )
    new = {lang: macro_f1(model, lang) for lang in parts}
    old_model = sm.shipped()
    old = {lang: macro_f1(old_model, lang) for lang in parts} if old_model else None
    print(f"new {version}: {new}; shipped: {old}")
    better = old is None or np.mean(list(new.values())) > np.mean(list(old.values()))
    if better or "--force" in sys.argv:
        sm.PATH.write_bytes(model.to_bytes())
        print(f"wrote {sm.PATH} ({sm.PATH.stat().st_size} bytes)")
    else:
        print("not better than the shipped model: kept the shipped one")


if __name__ == "__main__":
    main()
