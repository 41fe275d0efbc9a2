"""The labelled test set and what our models achieve on it (the figures: scripts/eval)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sklearn.metrics import f1_score

from app.tagging import sentiment
from app.tagging.rules import KeywordRules
from app.tagging.seed import DATA, default_keywords, read_examples, seed_examples
from app.tagging.topic_model import evaluate, train

TEST_SET = Path(__file__).parents[1] / "data" / "tagging"
LABELS = ["NEGATIVE", "NEUTRAL", "POSITIVE"]


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_test_set_covers_every_tag_and_sentiment_and_is_apart_from_training(
    language: str,
) -> None:
    rows = read_examples(TEST_SET / f"{language}.jsonl")
    assert len(rows) >= 300
    assert {row["sentiment"] for row in rows} == set(LABELS)
    assert {tag for row in rows for tag in row["tags"]} == set(default_keywords())
    assert len({row["text"] for row in rows}) == len(rows)
    training = {row["text"] for row in read_examples(DATA / "training.jsonl")}
    assert not training & {row["text"] for row in rows}
    assert (TEST_SET / "README.md").is_file()
    assert (DATA / "PROVENANCE.md").is_file()


@pytest.mark.parametrize("language", ["en", "zh"])
def test_our_sentiment_clearly_beats_the_lexicon_alone(language: str) -> None:
    rows = read_examples(TEST_SET / f"{language}.jsonl")
    truth = [row["sentiment"] for row in rows]

    def macro_f1(method: sentiment.Analyser) -> float:
        predicted = [method(row["text"]).label.value for row in rows]
        return float(f1_score(truth, predicted, labels=LABELS, average="macro"))

    assert macro_f1(sentiment.analyse) > macro_f1(sentiment.baseline) + 0.15


def test_the_trained_model_beats_the_keyword_rules_on_the_test_set() -> None:
    keywords = default_keywords()
    rows = read_examples(TEST_SET / "en.jsonl") + read_examples(TEST_SET / "zh.jsonl")
    texts, truth = [row["text"] for row in rows], [row["tags"] for row in rows]
    rules = KeywordRules(keywords)
    by_rules = evaluate(truth, [[t.name for t in rules.match(x)] for x in texts], list(keywords))
    model = train(seed_examples(), keywords)
    by_model = evaluate(truth, [[t for t, _ in p] for p in model.predict(texts)], list(keywords))
    assert by_model.macro_f1 > by_rules.macro_f1 + 0.03
    assert by_model.micro_f1 > by_rules.micro_f1


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_sentiment_evaluation_set_is_large_varied_and_apart_from_training(
    language: str,
) -> None:
    rows = read_examples(TEST_SET / f"sentiment_{language}.jsonl")
    assert len(rows) >= 1500
    assert len({row["text"] for row in rows}) == len(rows)
    training = {row["text"] for row in read_examples(DATA / "sentiment_training.jsonl")}
    assert not training & {row["text"] for row in rows}
    other = [row for row in rows if row["method"] == "frames"]  # not how training was written
    assert len(other) >= len(rows) / 3
    assert len({row["domain"] for row in rows}) >= 6


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_learned_sentiment_model_beats_the_old_rules(language: str) -> None:
    rows = read_examples(TEST_SET / f"sentiment_{language}.jsonl")
    truth = [row["sentiment"] for row in rows]

    def macro_f1(method: sentiment.Analyser) -> float:
        predicted = [method(row["text"]).label.value for row in rows]
        return float(f1_score(truth, predicted, labels=LABELS, average="macro"))

    assert macro_f1(sentiment.analyse) > macro_f1(sentiment.rules) + 0.02
