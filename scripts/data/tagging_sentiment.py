"""Write the sentiment training and evaluation sets (deterministic; see PROVENANCE.md).

Training, ``app/tagging/data/sentiment_training.jsonl``: the hand-written shipped examples
(``training.jsonl``, domain "support") and 3,000 "compose" texts per language. Evaluation,
``tests/data/tagging/sentiment_{en,zh}.jsonl``: the hand-written test set (domain "support") and
1,500 "frames" texts per language; a text that is also in training is dropped.

    .venv/bin/python scripts/data/tagging_sentiment.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

import corpus_en  # noqa: E402
import corpus_zh  # noqa: E402

from app.tagging.seed import DATA, read_examples  # noqa: E402

TESTS = ROOT / "tests" / "data" / "tagging"
TRAIN_PER_LANGUAGE, EVAL_PER_LANGUAGE = 3000, 1500


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def main() -> None:
    training: list[dict[str, str]] = []
    for row in read_examples(DATA / "training.jsonl"):
        training.append(
            {
                "language": row["language"],
                "text": row["text"],
                "sentiment": row["sentiment"],
                "domain": "support",
                "method": "hand",
            }
        )
    for lang, module, seed in (("en", corpus_en, 17), ("zh", corpus_zh, 18)):
        for row in module.compose(TRAIN_PER_LANGUAGE, seed):
            training.append({"language": lang, **row, "method": "compose"})
    seen = {row["text"] for row in training}
    training = list({row["text"]: row for row in training}.values())
    _write(DATA / "sentiment_training.jsonl", training)
    for lang, module, seed in (("en", corpus_en, 71), ("zh", corpus_zh, 81)):
        rows = [
            {
                "language": lang,
                "text": r["text"],
                "sentiment": r["sentiment"],
                "domain": "support",
                "method": "hand",
            }
            for r in read_examples(TESTS / f"{lang}.jsonl")
        ]
        rows += [
            {"language": lang, **r, "method": "frames"}
            for r in module.frames(EVAL_PER_LANGUAGE, seed)
        ]
        kept = list({r["text"]: r for r in rows if r["text"] not in seen}.values())
        _write(TESTS / f"sentiment_{lang}.jsonl", kept)
        print(f"{lang}: {len(kept)} evaluation texts")
    print(f"training: {len(training)} texts")


if __name__ == "__main__":
    main()
