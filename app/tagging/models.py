"""Tagging documents: the node type names of tags and tagger versions, and a training
example."""

from __future__ import annotations

from dataclasses import dataclass

TAG_TYPE = "Tag"
MODEL_TYPE = "TaggerModel"


@dataclass(frozen=True)
class Example:
    """A text and the tags an agent (or the shipped examples) gave it; none is an answer too."""

    text: str
    tags: tuple[str, ...]
