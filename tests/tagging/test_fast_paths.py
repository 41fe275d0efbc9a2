"""The memoised hot paths give exactly what the plain definitions give."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.tagging import sentiment_model as sm
from app.tagging.lexicon import lexicon
from app.tagging.rules import BASE_CONFIDENCE, MAX_CONFIDENCE, STEP, WORD, KeywordRules, _forms
from app.tagging.seed import default_keywords, read_examples
from app.tagging.text import CACHED_LENGTH, TOKEN, is_cjk, model_text, normalise

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
    rows += read_examples(DATA / "en.jsonl") + read_examples(DATA / "zh.jsonl")
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


def plain_match(rules: KeywordRules, text: str) -> dict[str, int]:
    """``KeywordRules.match`` without its shortcuts: every span, every Chinese phrase."""
    normal = normalise(text)
    hits: dict[str, set[object]] = {}
    tokens = WORD.findall(normal)
    for i in range(len(tokens)):
        for size in range(1, min(rules.longest, len(tokens) - i) + 1):
            head = tuple(tokens[i : i + size - 1])
            for form in _forms(tokens[i + size - 1]):
                for name in rules.phrases.get((*head, form), ()):
                    hits.setdefault(name, set()).add((*head, form))
    for phrase, name in rules.chinese:
        if phrase in normal:
            hits.setdefault(name, set()).add(phrase)
    return {name: len(found) for name, found in hits.items()}


def test_the_keyword_rules_match_what_every_span_matches() -> None:
    rules = KeywordRules(default_keywords())
    matched = 0
    for text in texts():
        expected = plain_match(rules, text)
        assert {hit.name: hit.confidence for hit in rules.match(text)} == {
            name: round(min(BASE_CONFIDENCE + STEP * count, MAX_CONFIDENCE), 4)
            for name, count in expected.items()
        }, text
        matched += bool(expected)
    assert matched > 500


def plain_segment(run: str) -> list[str]:
    """Forward maximum matching trying every length up to the longest term."""
    lex, out, i = lexicon(), [], 0
    while i < len(run):
        for size in range(min(lex.longest_chinese, len(run) - i), 0, -1):
            if size == 1 or run[i : i + size] in lex.chinese_terms:
                out.append(run[i : i + size])
                i += size
                break
    return out


def test_the_segmenter_is_forward_maximum_matching() -> None:
    runs = [t for text in texts() for t in TOKEN.findall(normalise(text)) if is_cjk(t)]
    assert len(runs) > 300
    for run in runs:
        assert lexicon()._segment(run) == plain_segment(run), run


def test_long_texts_are_normalised_without_the_cache() -> None:
    text = "Ｒｅｆｕｎｄ 1234 " * (CACHED_LENGTH // 5)
    assert normalise(text) == "refund 1234 " * (CACHED_LENGTH // 5)
    assert model_text(text) == "refund 0 " * (CACHED_LENGTH // 5)
