"""Scrubbing values: every string that holds one of the customer's values loses it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from app.privacy.registry import ERASED_TEXT

# Shorter values would match inside unrelated words ("Al" in "Although").
MIN_NEEDLE = 4


def needles_of(values: Sequence[str | None]) -> tuple[str, ...]:
    """The distinct, long enough values to hunt for, longest first (so an email is replaced
    before the name inside it)."""
    kept = {value.strip() for value in values if value and len(value.strip()) >= MIN_NEEDLE}
    return tuple(sorted(kept, key=lambda value: (-len(value), value)))


def pattern_of(needles: Sequence[str]) -> re.Pattern[str] | None:
    if not needles:
        return None
    return re.compile("|".join(re.escape(needle) for needle in needles), re.IGNORECASE)


def scrub(value: Any, pattern: re.Pattern[str] | None) -> tuple[Any, bool]:
    """``value`` with every match replaced (dicts and lists walked), and whether it changed."""
    if pattern is None:
        return value, False
    if isinstance(value, str):
        cleaned = pattern.sub(ERASED_TEXT, value)
        return cleaned, cleaned != value
    if isinstance(value, dict):
        changed = False
        out: dict[Any, Any] = {}
        for key, item in value.items():
            out[key], hit = scrub(item, pattern)
            changed = changed or hit
        return out, changed
    if isinstance(value, list):
        items = [scrub(item, pattern) for item in value]
        return [item for item, _ in items], any(hit for _, hit in items)
    return value, False
