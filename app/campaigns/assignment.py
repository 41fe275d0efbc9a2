"""Deterministic assignment: the same customer gets the same variant in every process.

The point in [0, 1) of a customer in a campaign is the first 8 bytes of
``SHA-256(f"{seed}:{customerId}")``, read as a big-endian unsigned integer and divided by 2**64
(``customerId``: the 24 lower-case hex digits of the ObjectId). Points below
``holdoutPercent / 100`` are the holdout; the rest of the interval is split in the variants'
order by their weights. The hash is independent of the process, the platform and Python's own
hash seed, so any client can reproduce an assignment from the seed.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate

from app.campaigns.models import HOLDOUT
from app.core.db import Document

SCALE = float(2**64)


def point(seed: str, customer_id: str) -> float:
    digest = hashlib.sha256(f"{seed}:{customer_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / SCALE


class Assigner:
    """Variant keys by point: holdout first, then the variants by cumulative weight."""

    def __init__(self, seed: str, keys: Sequence[str], weights: Sequence[float], holdout: float):
        self.seed = seed
        self.keys = list(keys)
        self.holdout = holdout / 100.0
        total = sum(weights)
        # Cumulative shares of the non-holdout part; the last bound is exactly 1.
        self.bounds = [bound / total for bound in accumulate(weights)][:-1]

    def variant(self, customer_id: str) -> str:
        u = point(self.seed, customer_id)
        if u < self.holdout:
            return HOLDOUT
        rest = (u - self.holdout) / (1.0 - self.holdout)
        return self.keys[bisect_right(self.bounds, rest)]

    def variants(self, customer_ids: Sequence[str]) -> list[str]:
        return [self.variant(customer_id) for customer_id in customer_ids]


def assigner_of(campaign: Document) -> Assigner:
    variants = campaign["variants"]
    return Assigner(
        campaign["seed"],
        [v["key"] for v in variants],
        [v["weight"] for v in variants],
        campaign["holdoutPercent"],
    )
