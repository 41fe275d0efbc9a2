"""Published sentiment word lists as features of the sentiment model (issue 17).

Our own lexicon (``lexicon``) knows the words of customer-service text we wrote down; real
feedback uses many more. ``data/wordlists_zh.json`` is the net vote of four published Chinese
lists (HowNet, NTUSD, Tsinghua praise/degrade, DUTIR), ``data/wordlists_en.json`` the Lexicoder
Sentiment Dictionary's stems; ``scripts/data/wordlists.py`` writes both, PROVENANCE.md cites
them. Chinese is segmented with ``rjieba`` (a maintained Rust port of jieba's dictionary
segmenter). ``scores`` reads a text with negation, degree and contrast rules of its own and
returns three dense columns for the model: the squashed total, the positive and the negative
mass.
"""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path

import rjieba

from app.tagging.text import TOKEN, is_cjk, normalise

DATA = Path(__file__).parent / "data"


def _terms(text: str) -> list[str]:
    return text.split()


NEGATORS = frozenset(
    _terms(
        "not no never nothing nobody none neither nor without hardly barely cannot cant dont "
        "doesnt didnt isnt wasnt arent werent wont wouldnt couldnt shouldnt havent hasnt "
        "不 没 没有 别 无 未 不是 不太 不够 不怎么 并不 毫不 从不 从来不 绝不 不会 不能 不再 "
        "一点也不 一点都不 再也不"
    )
)
DEGREE = {
    **dict.fromkeys(_terms("very so really extremely super totally absolutely incredibly"), 1.5),
    **dict.fromkeys(_terms("too terribly truly utterly completely"), 1.5),
    **dict.fromkeys(_terms("quite pretty rather fairly"), 1.1),
    **dict.fromkeys(_terms("slightly somewhat bit little"), 0.6),
    **dict.fromkeys(
        _terms("很 太 非常 超 超级 特别 十分 极 极其 最 真 真的 巨 贼 相当 实在 太过"), 1.5
    ),
    **dict.fromkeys(_terms("挺 蛮 比较 还算 较"), 1.1),
    **dict.fromkeys(_terms("有点 有些 稍微 略 略微 一点"), 0.6),
}
# Single characters that, fused to a word by the segmenter (太差, 很好, 不值), modify it.
FUSED_DEGREE = {"很": 1.5, "太": 1.5, "超": 1.5, "真": 1.5, "最": 1.5, "巨": 1.5, "挺": 1.1}
FUSED_NEGATORS = frozenset("不没无")
CONTRASTS = frozenset(
    _terms("but however although though yet 但是 但 不过 可是 就是 然而 只是 却 可惜")
)
BOUNDARIES = frozenset("!?.;。！？；,，")
WINDOW = 3
BEFORE_CONTRAST, AFTER_CONTRAST = 0.6, 1.5
NEGATED_POSITIVE, NEGATED_NEGATIVE = -0.8, -0.4  # 不好 is bad; 不难吃 is only mildly good
NORMALISER = 6.0
MEMO_LIMIT = 100_000


@cache
def _chinese() -> dict[str, float]:
    table = json.loads((DATA / "wordlists_zh.json").read_text(encoding="utf-8"))
    return {word: max(-3, min(3, vote)) / 2 for word, vote in table.items()}


@cache
def _english() -> tuple[dict[str, float], dict[str, float]]:
    table = json.loads((DATA / "wordlists_en.json").read_text(encoding="utf-8"))
    scale = {stem: max(-2, min(2, vote)) / 2 * 1.5 for stem, vote in table["prefix"].items()}
    return {w: max(-2, min(2, v)) / 2 * 1.5 for w, v in table["exact"].items()}, scale


_english_memo: dict[str, float] = {}


def english_value(word: str) -> float:
    """The valence of an English word: an exact entry, else the longest stem it begins with."""
    if (value := _english_memo.get(word)) is not None:
        return value
    exact, stems = _english()
    value = exact.get(word, 0.0)
    if not value and len(word) >= 4:
        for end in range(len(word), 3, -1):
            if (found := stems.get(word[:end])) is not None:
                value = found
                break
    if len(_english_memo) >= MEMO_LIMIT:
        _english_memo.clear()
    _english_memo[word] = value
    return value


def chinese_value(word: str) -> tuple[float, float]:
    """(valence, factor) of a segmented Chinese word; ``factor`` carries a degree adverb or a
    negator the segmenter fused to the word (太差 is 差 strengthened, 不值 is 值 negated)."""
    table = _chinese()
    if (value := table.get(word)) is not None:
        return value, 1.0
    if len(word) >= 2 and (rest := table.get(word[1:])) is not None:
        if word[0] in FUSED_NEGATORS:
            return rest, NEGATED_POSITIVE if rest > 0 else NEGATED_NEGATIVE
        if word[0] in FUSED_DEGREE:
            return rest, FUSED_DEGREE[word[0]]
    return 0.0, 1.0


def words(text: str) -> list[str]:
    """Latin words and sentence marks of normalised ``text``; Chinese runs segmented."""
    out: list[str] = []
    for token in TOKEN.findall(text):
        if is_cjk(token):
            out.extend(rjieba.cut(token))
        else:
            out.append(token.replace("'", ""))
    return out


def scores(text: str) -> tuple[float, float, float]:
    """(squashed total, positive mass, negative mass) of ``text`` under the word lists."""
    tokens = words(normalise(text))
    contrast = max((i for i, t in enumerate(tokens) if t in CONTRASTS), default=-1)
    positive = negative = 0.0
    for i, token in enumerate(tokens):
        if is_cjk(token):
            value, factor = chinese_value(token)
        else:
            value, factor = english_value(token), 1.0
        if not value:
            continue
        factor *= _modifier(tokens, i, value)
        if contrast >= 0:
            factor *= BEFORE_CONTRAST if i < contrast else AFTER_CONTRAST
        signed = value * factor
        if signed > 0:
            positive += signed
        else:
            negative -= signed
    total = positive - negative
    return (
        total / math.sqrt(total * total + NORMALISER),
        positive / (positive + 2.0),
        negative / (negative + 2.0),
    )


def _modifier(tokens: list[str], i: int, value: float) -> float:
    factor = 1.0
    for back in range(1, WINDOW + 1):
        j = i - back
        if j < 0 or tokens[j] in BOUNDARIES or tokens[j] in CONTRASTS:
            break
        if tokens[j] in NEGATORS:
            factor *= NEGATED_POSITIVE if value > 0 else NEGATED_NEGATIVE
        elif (degree := DEGREE.get(tokens[j])) is not None:
            factor *= degree
    return factor
