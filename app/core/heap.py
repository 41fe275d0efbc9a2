"""The garbage collector, set for a long-running server process."""

from __future__ import annotations

import gc

# Allocations of container objects between two collections of the youngest generation
# (CPython's default: 2,000).
YOUNG_GENERATION = 50_000


def settle() -> None:
    """Call once start-up is done, before serving.

    Start-up builds a large heap that lives as long as the process (the schema, numpy and
    scikit-learn: about 120,000 objects the collector tracks); each request then allocates
    thousands of short-lived ones (a page of 20 customers with their orders, about 10,000).
    Frozen, the start-up heap is left out of every later collection; collected less often,
    the young generation costs less per request. Memory is not at stake: reference counting
    frees almost all of a request's objects at once, the collector only finds cycles.
    """
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_GENERATION, middle, old)
