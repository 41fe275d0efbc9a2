"""The sentiment lexicon shipped in ``data/sentiment.tsv`` (authored by us; see PROVENANCE.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from app.tagging.text import TOKEN, is_cjk, normalise

DATA = Path(__file__).parent / "data"
MAX_PHRASE_TOKENS = 4


@dataclass
class Lexicon:
    words: dict[str, float] = field(default_factory=dict)
    cues: dict[str, float] = field(default_factory=dict)
    phrases: dict[tuple[str, ...], float] = field(default_factory=dict)
    phrase_starts: set[str] = field(default_factory=set)  # the first tokens of ``phrases``
    negators: set[str] = field(default_factory=set)
    boosters: dict[str, float] = field(default_factory=dict)
    contrasts: set[str] = field(default_factory=set)
    emoji: dict[str, float] = field(default_factory=dict)
    chinese_terms: set[str] = field(default_factory=set)
    longest_chinese: int = 1
    # The lengths of the Chinese terms beginning with each character, longest first.
    chinese_sizes: dict[str, list[int]] = field(default_factory=dict)

    def tokens(self, text: str) -> list[str]:
        """Latin words, Chinese lexicon terms (longest match first, else single characters)
        and sentence marks, from normalised ``text``."""
        out: list[str] = []
        for token in TOKEN.findall(text):
            if is_cjk(token):
                out.extend(self._segment(token))
            else:
                out.append(token)
        return out

    def _segment(self, run: str) -> list[str]:
        """Forward maximum matching against the Chinese terms of the lexicon (only the lengths
        of the terms that begin with the character at hand are tried)."""
        out, i, sizes = [], 0, self.chinese_sizes
        while i < len(run):
            width = 1
            for size in sizes.get(run[i], ()):
                if size <= len(run) - i and run[i : i + size] in self.chinese_terms:
                    width = size
                    break
            out.append(run[i : i + width])
            i += width
        return out


@cache
def lexicon() -> Lexicon:
    result = Lexicon()
    for line in (DATA / "sentiment.tsv").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        language, kind, raw, value = line.split("\t")
        term, number = normalise(raw), float(value)
        if language == "zh":
            result.chinese_terms.add(term)
            result.longest_chinese = max(result.longest_chinese, len(term))
            if term:
                sizes = result.chinese_sizes.setdefault(term[0], [])
                sizes[:] = sorted({*sizes, len(term)}, reverse=True)
        if kind == "word":
            result.words[term] = number
        elif kind == "phrase" and language == "en":
            words = tuple(TOKEN.findall(term))
            result.phrases[words] = number
            result.phrase_starts.update(words[:1])
        elif kind in ("phrase", "cue"):
            # Complaint phrases and cues: ours only, not the lexicon-only baseline. A Chinese
            # phrase is one segmented term.
            result.cues[term] = number
        elif kind == "neutral":
            pass  # a Chinese term kept whole by the segmenter (快递 is not 快 "fast")
        elif kind == "negator":
            result.negators.add(term)
        elif kind == "booster":
            result.boosters[term] = number
        elif kind == "contrast":
            result.contrasts.add(term)
        elif kind == "emoji":
            result.emoji[raw] = number
        else:
            raise ValueError(f"unknown lexicon kind {kind!r}")
    return result
