"""Sentiment rules, language detection, keyword rules, and the stored model format."""

from __future__ import annotations

import io
import json
import pickle

import numpy as np
import pytest

from app.tagging.discovery import discover
from app.tagging.language import detect_language
from app.tagging.models import Example
from app.tagging.rules import KeywordRules
from app.tagging.seed import default_keywords, seed_examples
from app.tagging.sentiment import Sentiment, analyse, baseline, rules
from app.tagging.sentiment_model import SentimentModel, shipped
from app.tagging.topic_model import TopicModel, train
from app.tagging.training import is_held_out, merge

N, Z, P = Sentiment.NEGATIVE, Sentiment.NEUTRAL, Sentiment.POSITIVE


@pytest.mark.parametrize(
    ("text", "ours", "lexicon_only"),
    [
        ("not happy at all", N, P),  # negation
        ("I'm not disappointed, it works", P, N),
        ("The box was nice but the item is broken", N, Z),  # contrast
        ("Shipping was slow, but the quality is excellent", P, P),
        ("I want my money back", N, Z),  # complaint phrase
        ("Still not delivered after two weeks", N, Z),
        ("arrived 😡", N, Z),  # emoji
        ("thanks 👍👍", P, P),
        ("thanks for nothing", N, P),  # sarcasm as a phrase
        ("包装很好，但是有点失望", N, P),  # 但是 and a dampener
        ("不满意", N, N),
        ("一点都不好用", N, N),
        ("还没收到货，怎么回事", N, Z),
        ("客服态度很好，非常满意", P, P),
        ("快递到了吗", Z, Z),  # 快递 is not 快 "fast"
        ("When will my order ship?", Z, Z),
    ],
)
def test_sentiment_rules(text: str, ours: Sentiment, lexicon_only: Sentiment) -> None:
    result = rules(text)
    assert result.label is ours
    assert baseline(text).label is lexicon_only
    assert -1 <= result.score <= 1
    assert 0 < result.confidence < 1


def test_intensifiers_make_it_stronger_and_the_score_is_bounded() -> None:
    assert rules("very very bad").score < rules("bad").score < 0
    assert rules("非常好").score > rules("好").score > 0
    assert rules("terrible " * 200).score >= -1
    assert rules("").label is Z
    assert rules("").confidence == 0.9


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Can you tell me when my order will ship?", Z),  # a question with no feeling
        ("Please update the billing address on my account.", Z),
        ("The box was nice but the item is broken", N),  # the clause after "but" decides
        ("There was a small delay, but the support team sorted it fast, thanks!", P),
        ("waited three hours and the agent was rude", N),
        ("位置不错，可是房间隔音太差了", N),  # 可是: the verdict follows it
        ("物流有点慢，但是东西质量很好，推荐", P),
        ("请问几点能送到？", Z),
        ("Why is my order still not here? This is ridiculous", N),
        ("房间不干净，服务也不好", N),
    ],
)
def test_the_learned_model(text: str, label: Sentiment) -> None:
    result = analyse(text)
    assert result.label is label
    assert -1 <= result.score <= 1
    assert 1 / 3 <= result.confidence <= 1


SCORES = (0.1, 0.2, 0.3, 0.1, 0.0)


def test_the_sentiment_model_round_trips_without_pickles() -> None:
    model = shipped()
    assert model is not None
    copy = SentimentModel.from_bytes(model.to_bytes())
    for text, lang in (("great stuff, thanks", "en"), ("太差了", "zh")):
        assert np.allclose(
            copy.probabilities(text, lang, SCORES), model.probabilities(text, lang, SCORES)
        )


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Where is my order?", "en"),
        ("我的订单在哪里", "zh"),
        ("我的iPhone充电器坏了", "zh"),
        ("the 快递 still hasn't arrived", "en"),
        ("asdf qwerty", "und"),
        ("12345 !!!", "und"),
        ("", "und"),
    ],
)
def test_language(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_keyword_rules_match_words_forms_and_chinese_substrings() -> None:
    rules = KeywordRules({"returns": {"en": ["refund"], "zh": ["退款", "app"]}})
    assert [t.name for t in rules.match("Refunded yet?")] == ["returns"]
    assert rules.match("refundable") == []  # not a form of the word
    assert rules.match("gift wrapping") == []  # "app" is a word, not a substring
    assert rules.match("我要退款")
    assert rules.match("the App crashed")
    two = rules.match("refund 退款")[0].confidence
    assert two > rules.match("refund")[0].confidence


def test_a_stored_model_predicts_exactly_as_trained() -> None:
    model = train(seed_examples(), default_keywords())
    texts = ["my card was charged twice", "快递还没到", "love it"]
    restored = TopicModel.from_bytes(model.to_bytes())
    assert restored.tags == model.tags
    assert restored.threshold == model.threshold
    assert restored.thresholds == model.thresholds
    assert restored.fallback == model.fallback
    np.testing.assert_allclose(restored.probabilities(texts), model.probabilities(texts))
    # Weights are plain arrays: a pickle (which could run code) is refused.
    with pytest.raises(ValueError, match="pickle"):
        TopicModel.from_bytes(pickle.dumps({"tags": ["praise"]}))


def test_training_needs_examples_of_a_tag() -> None:
    with pytest.raises(ValueError, match="enough examples"):
        train([Example("hello", ())] * 10, {"praise": {"en": ["thanks"]}})


def test_held_out_examples_stay_held_out_and_agent_labels_win() -> None:
    examples = list(seed_examples())
    held = [e for e in examples if is_held_out(e)]
    assert 0.1 < len(held) / len(examples) < 0.3
    assert held == [e for e in examples if is_held_out(Example(e.text, ()))]  # text decides
    text = examples[0].text
    merged = merge(examples, [Example(text, ("pricing", "gone-tag"))], ["pricing", "praise"])
    assert Example(text, ("pricing",)) in merged
    assert len(merged) == len(examples)


def test_discovery_needs_enough_text() -> None:
    assert discover(["gift wrap"] * 3) == []
    assert discover(["a", "b", "c", "d", "e", "f"]) == []


def test_each_tag_has_its_threshold_and_the_likeliest_tag_is_the_fallback() -> None:
    model = train(seed_examples(), default_keywords())
    assert model.thresholds is not None
    assert len(model.thresholds) == len(model.tags)
    texts = ["my card was charged twice", "hello", "快递还没到", "ok"]
    probabilities = model.probabilities(texts)
    for row, hits in zip(probabilities, model.predict(texts), strict=True):
        passed = [model.tags[j] for j in np.flatnonzero(row >= model.cutoffs())]
        if passed:
            assert [tag for tag, _ in hits] == passed
        elif row.max() >= model.fallback:
            assert [tag for tag, _ in hits] == [model.tags[int(row.argmax())]]
        else:
            assert hits == []
    strict = TopicModel.from_bytes(model.to_bytes())
    strict.thresholds, strict.fallback = [1.0] * len(model.tags), 1.0  # nothing can reach 1.0
    assert strict.predict(texts) == [[], [], [], []]
    strict.fallback = 0.0  # ... except the likeliest tag of each text, through the fallback
    assert [len(hits) for hits in strict.predict(texts)] == [1, 1, 1, 1]


def test_a_version_saved_before_per_tag_thresholds_loads_with_its_shared_one() -> None:
    model = train(seed_examples(), default_keywords())
    arrays = dict(np.load(io.BytesIO(model.to_bytes()), allow_pickle=False))
    header = json.loads(arrays["header"].tobytes())
    del header["thresholds"], header["fallback"]  # what versions saved before them hold
    arrays["header"] = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    restored = TopicModel.from_bytes(buffer.getvalue())
    assert restored.cutoffs().tolist() == [model.threshold] * len(model.tags)
    assert restored.fallback == 1.0
