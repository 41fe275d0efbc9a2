"""Tagging documents: the node type names of tags and tagger versions."""

from __future__ import annotations

TAG_TYPE = "Tag"
MODEL_TYPE = "TaggerModel"
