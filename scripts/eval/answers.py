"""Evaluate the answer model on labelled questions, per language, against MongoDB's own
``$text`` search over the same articles.

The labelled set (``app/knowledge/data/articles.jsonl`` and ``questions.jsonl``, written for
this project) has questions phrased unlike the articles: synonyms, typos, colloquial Chinese,
mixed languages, and questions no article answers. Printed per language:

- P@1: the top article answers the question (answerable questions, no abstaining);
- R@3: an answering article is among the top three;
- MRR: mean reciprocal rank of the first answering article (top ten);
- abstain: the share of questions it withholds an answer from (confidence under the
  threshold), on answerable and on unanswerable questions; "answered right": the share of
  its answers that are right (answers to unanswerable questions are wrong).

The baseline ranks published articles by ``$text`` score (title weighted 2, English stemming and
stop words for English articles and questions) and abstains when ``$text`` finds nothing. On
the embedded store ``$text`` matches whole words without stemming and scores crudely; against
MongoDB (``CRM_MONGODB_URL``) the baseline is MongoDB's own.

``--fit`` refits the confidence (a logistic regression of whether the top hit is right, on
cross-validated folds) and chooses the threshold: the lowest at which the answers given are
right at least ``--precision`` of the time; it writes
``app/knowledge/data/calibration.json``. ``--articles``/``--questions`` evaluate another set
(a held-out one) with the calibration as it is.

    .venv/bin/python scripts/eval/answers.py [--fit] [--precision 0.9]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.core.db import Database  # noqa: E402
from app.core.settings import Settings  # noqa: E402
from app.knowledge.analysis import DATA, default_lexicon  # noqa: E402
from app.knowledge.models import new_article  # noqa: E402
from app.knowledge.repository import PUBLISHED, ArticleRepository  # noqa: E402
from app.knowledge.retrieval import (  # noqa: E402
    CALIBRATION_FILE,
    ArticleIndex,
    Calibration,
    Entry,
    default_calibration,
)
from app.tagging.seed import default_keywords  # noqa: E402

LANGUAGES = ("en", "zh")
# MongoDB's text-search languages: Chinese has none (a run of Chinese characters is one word).
MONGO_LANGUAGES = {"en": "english", "zh": "none"}


@dataclass(frozen=True)
class Question:
    language: str
    text: str
    answers: frozenset[str]
    style: str


@dataclass(frozen=True)
class Ranked:
    """One system's answer to one question: keys best first, and whether it abstained."""

    keys: list[str]
    abstained: bool


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def load(articles: Path, questions: Path) -> tuple[list[Entry], list[Question]]:
    entries = [
        Entry(a["key"], a["language"], a["title"], a["body"], tuple(a["tags"]))
        for a in read_jsonl(articles)
    ]
    asked = [
        Question(q["language"], q["text"], frozenset(q["answers"]), q.get("style", ""))
        for q in read_jsonl(questions)
    ]
    return entries, asked


def index_of(entries: Sequence[Entry], calibration: Calibration) -> ArticleIndex:
    return ArticleIndex(entries, default_lexicon(), default_keywords(), calibration)


def model_rankings(index: ArticleIndex, questions: Sequence[Question]) -> list[Ranked]:
    ranked = []
    for question in questions:
        hits = index.search(question.text, None, 10)
        abstained = not hits or hits[0].confidence < index.calibration.threshold
        ranked.append(Ranked([str(h.entry.id) for h in hits], abstained))
    return ranked


async def text_rankings(entries: Sequence[Entry], questions: Sequence[Question]) -> list[Ranked]:
    """``$text`` over the articles in a MongoDB (CRM_MONGODB_URL) or the embedded store."""
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            mongodb_url=os.environ.get("CRM_MONGODB_URL"),
            data_file=str(Path(tmp) / "eval.sqlite"),
            database="eval_answers",
        )
        database = await Database.connect(settings)
        try:
            await database.client.drop_database(database.db.name)
            await database.ensure_indexes([ArticleRepository])
            articles = ArticleRepository(database.db)
            now = datetime.now(UTC)
            documents = []
            for entry in entries:
                fields = {"title": entry.title, "body": entry.body, "language": entry.language,
                          "tags": list(entry.tags), "key": entry.id}  # fmt: skip
                # $text at its best: English stemming and stop words for English articles.
                stemming = MONGO_LANGUAGES[entry.language]
                documents.append(
                    {**new_article(fields, now), "status": PUBLISHED, "textLanguage": stemming}
                )
            await articles.collection.insert_many(documents)
            keys = {doc["_id"]: doc["key"] for doc in documents}
            ranked = []
            for question in questions:
                language = MONGO_LANGUAGES[question.language]
                found = await articles.text_search(question.text, 10, language)
                ranked.append(Ranked([keys[doc["_id"]] for doc in found], not found))
            return ranked
        finally:
            await database.client.drop_database(database.db.name)
            await database.close()


def scores(questions: Sequence[Question], ranked: Sequence[Ranked]) -> dict[str, float]:
    answerable = [(q, r) for q, r in zip(questions, ranked, strict=True) if q.answers]
    unanswerable = [(q, r) for q, r in zip(questions, ranked, strict=True) if not q.answers]
    top1 = [bool(r.keys) and r.keys[0] in q.answers for q, r in answerable]
    top3 = [bool(set(r.keys[:3]) & q.answers) for q, r in answerable]
    reciprocal = [
        next((1 / (i + 1) for i, key in enumerate(r.keys[:10]) if key in q.answers), 0.0)
        for q, r in answerable
    ]
    answered = [
        (bool(r.keys) and r.keys[0] in q.answers)
        for q, r in zip(questions, ranked, strict=True)
        if not r.abstained
    ]
    return {
        "P@1": float(np.mean(top1)),
        "R@3": float(np.mean(top3)),
        "MRR": float(np.mean(reciprocal)),
        "abstain (answerable)": float(np.mean([r.abstained for _, r in answerable])),
        "abstain (unanswerable)": float(np.mean([r.abstained for _, r in unanswerable]))
        if unanswerable
        else float("nan"),
        "answered right": float(np.mean(answered)) if answered else float("nan"),
    }


def fit(entries: Sequence[Entry], questions: Sequence[Question], precision: float) -> Calibration:
    """Refit the confidence on cross-validated folds of the questions; the threshold is the
    lowest whose answers are right at least ``precision`` of the time."""
    index = index_of(entries, default_calibration())
    features, right = [], []
    for question in questions:
        hits = index.search(question.text, None, 3)
        features.append(hits[0].features)
        right.append(int(str(hits[0].entry.id) in question.answers))
    x, y = np.array(features), np.array(right)
    model = LogisticRegression(C=1.0, max_iter=1000)
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=7)
    held_out = cross_val_predict(model, x, y, cv=folds, method="predict_proba")[:, 1]
    threshold = 0.5
    for candidate in np.arange(0.05, 0.96, 0.01):
        given = held_out >= candidate
        if given.any() and y[given].mean() >= precision:
            threshold = float(candidate)
            break
    model.fit(x, y)
    return Calibration(
        tuple(round(float(c), 4) for c in model.coef_[0]),
        round(float(model.intercept_[0]), 4),
        round(threshold, 2),
    )


def report(title: str, questions: Sequence[Question], systems: dict[str, list[Ranked]]) -> None:
    print(f"\n{title}")
    for language in LANGUAGES:
        chosen = [i for i, q in enumerate(questions) if q.language == language]
        answerable = sum(1 for i in chosen if questions[i].answers)
        print(f"  {language}: {len(chosen)} questions ({answerable} answerable)")
        for name, ranked in systems.items():
            figures = scores([questions[i] for i in chosen], [ranked[i] for i in chosen])
            print(f"    {name:<10}" + "  ".join(f"{k} {v:.3f}" for k, v in figures.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=Path, default=DATA / "articles.jsonl")
    parser.add_argument("--questions", type=Path, default=DATA / "questions.jsonl")
    parser.add_argument("--fit", action="store_true", help="refit the confidence and threshold")
    parser.add_argument("--precision", type=float, default=0.9)
    args = parser.parse_args()
    entries, questions = load(args.articles, args.questions)
    counts = {lang: sum(1 for e in entries if e.language == lang) for lang in LANGUAGES}
    print(f"{len(entries)} articles {counts}, {len(questions)} questions")
    calibration = default_calibration()
    if args.fit:
        calibration = fit(entries, questions, args.precision)
        CALIBRATION_FILE.write_text(json.dumps(calibration.to_json(), indent=2) + "\n")
        print(f"calibration written: {calibration.to_json()}")
    systems = {
        "model": model_rankings(index_of(entries, calibration), questions),
        "$text": asyncio.run(text_rankings(entries, questions)),
    }
    report("by language", questions, systems)
    foreign = [
        i for i, q in enumerate(questions)
        if q.answers and all(not key.startswith(f"{q.language}-") for key in q.answers)
    ]  # fmt: skip
    if foreign:
        parts = [
            scores([questions[i] for i in foreign], [r[i] for i in foreign])
            for r in systems.values()
        ]
        print(f"\nanswered only in the other language: {len(foreign)} questions, "
              f"model P@1 {parts[0]['P@1']:.3f} R@3 {parts[0]['R@3']:.3f}, "
              f"$text P@1 {parts[1]['P@1']:.3f}")  # fmt: skip
    styles = sorted({q.style for q in questions})
    print("\nP@1 by style (model / $text)")
    for style in styles:
        chosen = [i for i, q in enumerate(questions) if q.style == style and q.answers]
        if chosen:
            parts = [
                scores([questions[i] for i in chosen], [r[i] for i in chosen])["P@1"]
                for r in systems.values()
            ]
            print(f"  {style:<12} {len(chosen):>4}  {parts[0]:.3f} / {parts[1]:.3f}")


if __name__ == "__main__":
    main()
