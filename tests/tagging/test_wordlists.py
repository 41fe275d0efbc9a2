"""The published word lists as the sentiment model reads them (``app.tagging.wordlists``)."""

from __future__ import annotations

import pytest

from app.tagging.text import model_text
from app.tagging.wordlists import chinese_value, english_value, scores, words


def total(text: str) -> float:
    return scores(text)[0]


def test_chinese_is_segmented_and_read_with_negation_degree_and_contrast() -> None:
    assert words("房间很干净") == ["房间", "很", "干净"]
    assert total("房间很干净") > total("房间干净") > 0  # degree
    assert total("房间不干净") < 0  # negation within the clause
    assert total("房间不大，很干净") > 0  # ... but not across a comma
    assert total("位置不错，但是隔音太差") < 0 < total("隔音太差，但是位置不错")  # contrast
    value, factor = chinese_value("太差")  # a degree adverb fused to the word by the segmenter
    assert value < 0
    assert factor > 1
    value, factor = chinese_value("不值")
    assert value * factor < 0


def test_english_stems_match_their_forms_and_everyday_words_only_themselves() -> None:
    assert english_value("disappointing") < 0 < english_value("delightful")
    assert english_value("disappointed") == english_value("disappointing")
    assert english_value("according") == 0  # "accord" is an exact entry, not a stem
    assert total("not helpful at all") < 0 < total("very helpful")
    assert total("I didn't like it") < 0


@pytest.mark.parametrize("text", ["", "12345", "?!", "订单号 88123"])
def test_text_without_sentiment_words_scores_nothing(text: str) -> None:
    assert scores(text) == (0.0, 0.0, 0.0)


def test_scores_are_bounded_and_masses_grow_with_evidence() -> None:
    many = scores("terrible awful horrible " * 100)
    assert -1 < many[0] < 0
    assert many[2] < 1
    assert scores("great great great")[1] > scores("great")[1] > 0


def test_handles_and_links_are_not_read_as_words() -> None:
    assert model_text("@FlyAirNorth thanks! https://t.co/x1 www.example.com") == "  thanks!    "
