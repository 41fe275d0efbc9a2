"""Evaluate feedback tagging on the project's labelled test set (tests/data/tagging/).

Prints, per language and overall, sentiment accuracy and macro-F1 for the lexicon-only baseline
and for our sentiment rules, and per-tag precision/recall/F1 for the keyword rules (baseline)
and for the supervised model trained on the shipped training examples, side by side.

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
    return (
        accuracy_score(truth, predicted),
        f1_score(truth, predicted, labels=LABELS, average="macro", zero_division=0),
    )


METHODS = {"lexicon": sentiment.baseline, "old rules": sentiment.rules, "model": sentiment.analyse}


def sentiment_table() -> None:
    """Accuracy / macro-F1 on tests/data/tagging/sentiment_{en,zh}.jsonl, per language, per
    writing method and per domain, for the lexicon alone, the old rules and the new model."""
    print("Sentiment (accuracy / macro-F1) on the evaluation set")
    print(f"{'set':<22} {'n':>5}" + "".join(f"  {name:>15}" for name in METHODS))
    for lang in ("en", "zh"):
        rows = read_examples(TEST_SET / f"sentiment_{lang}.jsonl")
        groups: dict[str, list[dict[str, object]]] = {f"{lang} all": rows}
        for key in ("method", "domain"):
            for value in sorted({str(r[key]) for r in rows}):
                groups[f"{lang} {key}={value}"] = [r for r in rows if r[key] == value]
        for name, group in groups.items():
            cells = [sentiment_scores(group, method) for method in METHODS.values()]
            print(
                f"{name:<22} {len(group):>5}" + "".join(f"  {a:6.3f} / {f:6.3f}" for a, f in cells)
            )


def tag_table(title: str, rules: Evaluation, model: Evaluation) -> None:
    print(f"\n{title}: topic tags ({rules.examples} tickets)")
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
    sets = {lang: read_examples(TEST_SET / f"{lang}.jsonl") for lang in ("en", "zh")}
    sets["all"] = sets["en"] + sets["zh"]
    for name, rows in sets.items():
        texts = [str(row["text"]) for row in rows]
        truth = [list(row["tags"]) for row in rows]
        by_rules = [[hit.name for hit in rules.match(text)] for text in texts]
        by_model = [[tag for tag, _ in hits] for hits in model.predict(texts)]
        tag_table(name, evaluate(truth, by_rules, tags), evaluate(truth, by_model, tags))
    examples = len(seed_examples())
    print(f"\nmodel: {examples} shipped examples, {len(model.tags)} tags, {model.threshold=}")


if __name__ == "__main__":
    main()
