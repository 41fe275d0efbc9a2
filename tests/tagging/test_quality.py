"""The labelled test set and what our models achieve on it (the figures: scripts/eval)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sklearn.metrics import f1_score

from app.tagging import sentiment
from app.tagging.rules import KeywordRules
from app.tagging.seed import DATA, default_keywords, read_examples, seed_examples
from app.tagging.text import normalise
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


def evaluation_rows(language: str) -> list[dict[str, Any]]:
    """The generated evaluation set and the free-written one of ``language``."""
    return read_examples(TEST_SET / f"sentiment_{language}.jsonl") + read_examples(
        TEST_SET / f"sentiment_written_{language}.jsonl"
    )


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_sentiment_evaluation_set_is_large_varied_and_apart_from_training(
    language: str,
) -> None:
    rows = evaluation_rows(language)
    assert len(rows) >= 1500
    texts = [normalise(row["text"]) for row in rows]
    assert len(set(texts)) == len(rows)
    training = {
        normalise(row["text"])
        for name in ("sentiment_training.jsonl", "sentiment_written.jsonl")
        for row in read_examples(DATA / name)
    }
    assert not training & set(texts)
    methods = Counter(row["method"] for row in rows)
    assert methods["frames"] + methods["written"] >= len(rows) / 3  # not how compose wrote
    assert methods["written"] >= 500
    assert len({row["domain"] for row in rows}) >= 6


@pytest.mark.parametrize(("language", "method"), [("en", "frames"), ("zh", "frames")])
def test_the_learned_sentiment_model_beats_the_old_rules(language: str, method: str) -> None:
    rows = [row for row in evaluation_rows(language) if row["method"] == method]
    assert macro_f1(rows, sentiment.analyse) > macro_f1(rows, sentiment.rules) + 0.02


@pytest.mark.parametrize("language", ["en", "zh"])
def test_on_free_written_feedback_the_model_beats_the_rules_and_the_lexicon(
    language: str,
) -> None:
    rows = read_examples(TEST_SET / f"sentiment_written_{language}.jsonl")
    model = macro_f1(rows, sentiment.analyse)
    assert model > macro_f1(rows, sentiment.rules) + 0.1
    assert model > macro_f1(rows, sentiment.baseline) + 0.2


def macro_f1(rows: list[dict[str, Any]], method: sentiment.Analyser) -> float:
    truth = [row["sentiment"] for row in rows]
    predicted = [method(row["text"]).label.value for row in rows]
    present = [label for label in LABELS if label in truth]
    return float(f1_score(truth, predicted, labels=present, average="macro"))


def test_most_free_written_feedback_with_a_topic_gets_a_tag() -> None:
    """A complaint about rude staff or a three-hour delay must not end up untagged."""
    keywords = default_keywords()
    rows = [
        row
        for language in ("en", "zh")
        for row in read_examples(TEST_SET / f"sentiment_written_{language}.jsonl")
        if row["tags"]
    ]
    texts, truth = [row["text"] for row in rows], [row["tags"] for row in rows]
    predicted = [
        [tag for tag, _ in hits] for hits in train(seed_examples(), keywords).predict(texts)
    ]
    rules = KeywordRules(keywords)
    by_rules = sum(1 for text in texts if rules.match(text))
    assert sum(1 for tags in predicted if tags) >= max(0.9 * len(rows), by_rules + 0.2 * len(rows))
    assert evaluate(truth, predicted, list(keywords)).micro_f1 > 0.6
