"""Which language a ticket is written in: ``en``, ``zh``, or ``und`` when we cannot tell."""

from __future__ import annotations

import re

from app.tagging.text import CJK, normalise

WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
# Common English words; a Latin-script text with none of them is not called English.
ENGLISH_MARKERS = frozenset(
    """a an the i my me we our you your it is are was were be been am do does did have has had
    not no and or but to of in on at for with from this that what when where why how can could
    would will please hi hello thanks thank order still just about after before get got want
    need help there they them he she his her its as by so if any all too very""".split()  # noqa: SIM905
)


def detect_language(text: str) -> str:
    """``zh`` when Chinese characters carry the text (English words mixed in are common),
    ``en`` when English function words appear, otherwise ``und``."""
    normal = normalise(text)
    cjk = len(CJK.findall(normal))
    words = WORD.findall(normal)
    if cjk >= 2 and cjk >= sum(map(len, words)) * 0.2:
        return "zh"
    if any(word in ENGLISH_MARKERS for word in words):
        return "en"
    return "zh" if cjk >= 2 else "und"
