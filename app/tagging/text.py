"""Text normalisation and tokens shared by language detection, sentiment, rules and models."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Latin words (with inner apostrophes/hyphens), runs of CJK characters, and sentence marks.
TOKEN = re.compile(
    r"[a-z0-9]+(?:['\-][a-z0-9]+)*|[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[!?.;。！？；,，]"
)
DIGITS = re.compile(r"\d+")
# Addressed accounts (@handles) and links say who or where, not how the customer feels.
HANDLES = re.compile(r"@\w+|https?://\S+|www\.\S+")


# A batch of tickets is normalised by language detection, the rules, the lexicon and both
# models in turn: the normal form of each text up to CACHED_LENGTH characters is remembered
# for a while (a few batches), longer texts (knowledge articles) are not.
CACHED_TEXTS, CACHED_LENGTH = 1024, 2000


def normalise(text: str) -> str:
    """NFKC (full-width to half-width), lower case, one kind of apostrophe."""
    return _normalise_cached(text) if len(text) <= CACHED_LENGTH else _normalise(text)


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower().replace("\u2019", "'").replace("`", "'")


_normalise_cached = lru_cache(maxsize=CACHED_TEXTS)(_normalise)


def is_cjk(token: str) -> bool:
    return bool(CJK.match(token))


def model_text(text: str) -> str:
    """What the supervised models read: normalised, numbers folded (order numbers are noise),
    @handles and links dropped."""
    return _model_text_cached(text) if len(text) <= CACHED_LENGTH else _model_text(text)


def _model_text(text: str) -> str:
    return DIGITS.sub("0", HANDLES.sub(" ", normalise(text)))


_model_text_cached = lru_cache(maxsize=CACHED_TEXTS)(_model_text)
