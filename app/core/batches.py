"""Bulk work in bounded pieces: writes sized by time, ``$in`` lists sized by count, retries.

On the embedded store a write costs milliseconds per document and one command holds the store
while it runs, so a job that wrote 1,000 documents per command would freeze every other
client for seconds. Jobs therefore size each write to take about ``target`` seconds at the
speed just measured: small batches on the embedded store, large ones on MongoDB, and other
clients' queries run between them.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from functools import partial

from pymongo.errors import AutoReconnect, ExecutionTimeout, WTimeoutError

log = logging.getLogger(__name__)

# The embedded store's SQLite engine turns ``$in`` lists of about 500 values into an expression
# tree deeper than it accepts; MongoDB has no such limit, but bounded lists keep every command
# small on both.
MAX_IN_VALUES = 200
TRANSIENT = (AutoReconnect, ExecutionTimeout, WTimeoutError)  # AutoReconnect: NetworkTimeout too
RETRIES = 5
RETRY_BASE_SECONDS = 0.5


def chunks[T](values: Sequence[T], size: int = MAX_IN_VALUES) -> Iterator[Sequence[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


class BatchSizer:
    """How many documents the next write should carry so that it takes about ``target``
    seconds, from the speed of the writes so far."""

    def __init__(self, target: float, maximum: int, *, first: int = 50, minimum: int = 1) -> None:
        self.target = target
        self.maximum = maximum
        self.minimum = minimum
        self.size = max(minimum, min(first, maximum))

    def observe(self, count: int, seconds: float) -> None:
        if count <= 0:
            return
        per_item = max(seconds, 1e-6) / count
        ideal = self.target / per_item
        # Move halfway to the ideal size: one slow command does not swing the next one wildly.
        self.size = max(self.minimum, min(self.maximum, round((self.size + ideal) / 2)))


async def retrying[T](operation: Callable[[], Awaitable[T]], what: str) -> T:
    """Run ``operation``, retrying with backoff when the database times out or the connection
    drops. The operation must be idempotent: a write that timed out may have been applied."""
    for attempt in range(RETRIES):
        try:
            return await operation()
        except TRANSIENT as error:
            if attempt == RETRIES - 1:
                raise
            delay = RETRY_BASE_SECONDS * 2**attempt
            log.warning("%s: %s; retrying in %.1f s", what, type(error).__name__, delay)
            await asyncio.sleep(delay)
    raise AssertionError("unreachable")


async def in_timed_batches[T](
    items: Sequence[T],
    sizer: BatchSizer,
    write: Callable[[Sequence[T]], Awaitable[object]],
    after_batch: Callable[[int], Awaitable[None]] | None = None,
    *,
    what: str = "write",
) -> None:
    """Write ``items`` in batches sized by ``sizer``; ``after_batch(done)`` runs after each
    (jobs report progress there, and learn about cancellation)."""
    done = 0
    while done < len(items):
        batch = items[done : done + sizer.size]
        started = time.perf_counter()
        await retrying(partial(write, batch), what)
        sizer.observe(len(batch), time.perf_counter() - started)
        done += len(batch)
        if after_batch is not None:
            await after_batch(done)
