"""Evaluate feedback tagging on the project's labelled test set (tests/data/tagging/).

Prints sentiment accuracy and macro-F1 per language, per writing method and per domain for the
lexicon-only baseline, the lexicon rules (what tagged before the learned model) and the model,
on the generated evaluation sets (``sentiment_{en,zh}.jsonl``) and the free-written ones
(``sentiment_written_{en,zh}.jsonl``);
then per-tag precision/recall/F1 and coverage (texts given at least one tag) for the keyword
rules (baseline) and for the supervised model trained on the shipped examples, side by side,
on the hand-written tickets (``{en,zh}.jsonl``) and the free-written texts.

    .venv/bin/python scripts/eval/tagging.py
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from sklearn.metrics import accuracy_score, f1_score

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.tagging import sentiment  # noqa: E402
from app.tagging.rules import KeywordRules  # noqa: E402
from app.tagging.seed import default_keywords, read_examples, seed_examples  # noqa: E402
from app.tagging.topic_model import Evaluation, evaluate, train  # noqa: E402

TEST_SET = ROOT / "tests" / "data" / "tagging"
LABELS = ["NEGATIVE", "NEUTRAL", "POSITIVE"]


def sentiment_scores(
    rows: Sequence[dict[str, object]], method: Callable[[str], sentiment.SentimentResult]
) -> tuple[float, float]:
    truth = [str(row["sentiment"]) for row in rows]
    predicted = [method(str(row["text"])).label.value for row in rows]
    # Over the labels the group has: the written Chinese reviews are NEGATIVE or POSITIVE only
    # (a NEUTRAL verdict on one of them still counts against its true label).
    present = [label for label in LABELS if label in truth]
    return (
        accuracy_score(truth, predicted),
        f1_score(truth, predicted, labels=present, average="macro", zero_division=0),
    )


METHODS = {"lexicon": sentiment.baseline, "rules": sentiment.rules, "model": sentiment.analyse}


def sentiment_table() -> None:
    """Accuracy / macro-F1 on tests/data/tagging/sentiment_{en,zh}.jsonl, per language, per
    writing method and per domain, for the lexicon alone, the rules and the model."""
    print("Sentiment (accuracy / macro-F1) on the evaluation set")
    print(f"{'set':<22} {'n':>5}" + "".join(f"  {name:>15}" for name in METHODS))
    for lang in ("en", "zh"):
        rows = read_examples(TEST_SET / f"sentiment_{lang}.jsonl")
        rows += read_examples(TEST_SET / f"sentiment_written_{lang}.jsonl")
        groups: dict[str, list[dict[str, object]]] = {f"{lang} all": rows}
        for key in ("method", "domain"):
            for value in sorted({str(r[key]) for r in rows}):
                groups[f"{lang} {key}={value}"] = [r for r in rows if r[key] == value]
        for name, group in groups.items():
            cells = [sentiment_scores(group, method) for method in METHODS.values()]
            print(
                f"{name:<22} {len(group):>5}" + "".join(f"  {a:6.3f} / {f:6.3f}" for a, f in cells)
            )


def tag_table(
    title: str, rules: Evaluation, model: Evaluation, covered: tuple[int, int, int]
) -> None:
    print(f"\n{title}: topic tags ({rules.examples} tickets)")
    truth, by_rules, by_model = covered
    print(f"{'texts with a tag':<20} {truth:>7}  {by_rules:>18}  {by_model:>18}")
    print(f"{'tag':<20} {'support':>7}  {'rules P/R/F1':>18}  {'model P/R/F1':>18}")
    for r, m in zip(rules.tags, model.tags, strict=True):
        print(
            f"{r.tag:<20} {r.support:>7}  {r.precision:5.2f} {r.recall:5.2f} {r.f1:5.2f}  "
            f"  {m.precision:5.2f} {m.recall:5.2f} {m.f1:5.2f}"
        )
    print(f"{'macro-F1':<20} {'':>7}  {rules.macro_f1:>18.3f}  {model.macro_f1:>18.3f}")
    print(f"{'micro-F1':<20} {'':>7}  {rules.micro_f1:>18.3f}  {model.micro_f1:>18.3f}")


def main() -> None:
    keywords = default_keywords()
    tags = list(keywords)
    rules = KeywordRules(keywords)
    model = train(seed_examples(), keywords)
    sentiment_table()
    sets = {}
    for lang in ("en", "zh"):
        sets[f"{lang} hand"] = read_examples(TEST_SET / f"{lang}.jsonl")
        sets[f"{lang} written"] = read_examples(TEST_SET / f"sentiment_written_{lang}.jsonl")
    sets["all"] = [row for rows in sets.values() for row in rows]
    for name, rows in sets.items():
        texts = [str(row["text"]) for row in rows]
        truth = [list(row["tags"]) for row in rows]
        by_rules = [[hit.name for hit in rules.match(text)] for text in texts]
        by_model = [[tag for tag, _ in hits] for hits in model.predict(texts)]
        covered = tuple(sum(1 for tags in found if tags) for found in (truth, by_rules, by_model))
        tag_table(name, evaluate(truth, by_rules, tags), evaluate(truth, by_model, tags), covered)
    thresholds = dict(zip(model.tags, model.cutoffs().round(2).tolist(), strict=True))
    print(f"\nmodel: {len(seed_examples())} shipped examples, {len(model.tags)} tags")
    print(f"thresholds: shared {model.threshold}, per tag {thresholds}, fallback {model.fallback}")


if __name__ == "__main__":
    main()
