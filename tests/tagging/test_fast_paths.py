"""The memoised hot paths give exactly what the plain definitions give."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.tagging import sentiment_model as sm
from app.tagging.seed import read_examples
from app.tagging.text import model_text

DATA = Path(__file__).resolve().parents[1] / "data" / "tagging"
EDGES = [
    "",
    "but",
    "但是",
    "not bad but",
    "I don't-stop, no no no good. Never again; but fine!",
    "the 快递 didn't arrive but it's ok",
    "我不太满意，但是还行，不过没有别的问题",
    "wrapping app refunded #12345 😀",
]


def texts() -> list[str]:
    rows = read_examples(DATA / "sentiment_en.jsonl")[:300]
    rows += read_examples(DATA / "sentiment_zh.jsonl")[:300]
    return [str(row["text"]) for row in rows] + EDGES


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_columns_are_the_hashes_of_the_grams(language: str) -> None:
    for _ in range(2):  # cold memos, then warm ones
        for text in texts():
            expected = {sm._hash(gram) for gram in sm.grams(text, language)}
            assert sm.buckets(model_text(text), language) == expected, text


def test_a_full_memo_starts_again() -> None:
    memo = sm._Memo("z")
    memo.update({str(k): 0 for k in range(sm._Memo.LIMIT)})
    assert memo["好"] == sm._hash("z好")
    assert len(memo) == 1
