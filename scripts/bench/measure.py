"""What the benchmarks share: a count of the database commands sent, and latency quantiles."""

from __future__ import annotations

import statistics
from typing import Any

from pymongo.monitoring import CommandListener, CommandStartedEvent


class Counter(CommandListener):
    """Counts the commands a client sends (pass it to ``Database.connect``)."""

    def __init__(self) -> None:
        self.commands = 0

    def started(self, event: CommandStartedEvent) -> None:
        self.commands += 1

    def succeeded(self, event: Any) -> None: ...

    def failed(self, event: Any) -> None: ...


def quantiles(samples: list[float]) -> tuple[float, float]:
    """The median and the 99th percentile (nearest rank)."""
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
