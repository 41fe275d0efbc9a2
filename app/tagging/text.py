"""Text normalisation and tokens shared by language detection, sentiment, rules and models."""

from __future__ import annotations

import re
import unicodedata

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Latin words (with inner apostrophes/hyphens), runs of CJK characters, and sentence marks.
TOKEN = re.compile(
    r"[a-z0-9]+(?:['\-][a-z0-9]+)*|[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[!?.;。！？；,，]"
)
DIGITS = re.compile(r"\d+")


def normalise(text: str) -> str:
    """NFKC (full-width to half-width), lower case, one kind of apostrophe."""
    return unicodedata.normalize("NFKC", text).lower().replace("\u2019", "'").replace("`", "'")


def is_cjk(token: str) -> bool:
    return bool(CJK.match(token))


def model_text(text: str) -> str:
    """What the supervised model reads: normalised, numbers folded (order numbers are noise)."""
    return DIGITS.sub("0", normalise(text))
