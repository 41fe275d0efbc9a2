"""``heap.settle``: the start-up heap frozen, the young generation collected less often."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from app.core import heap


@pytest.fixture
def collector() -> Iterator[None]:
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


@pytest.mark.usefixtures("collector")
def test_start_up_objects_leave_the_collections_and_young_ones_are_collected_less_often() -> None:
    built_at_start = [[n] for n in range(1000)]  # containers the collector tracks
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    heap.settle()
    assert gc.get_freeze_count() >= len(built_at_start)
    assert gc.get_threshold()[0] == heap.YOUNG_GENERATION > 2_000


@pytest.mark.usefixtures("collector")
def test_cycles_made_after_start_up_are_still_collected() -> None:
    heap.settle()

    class Node:
        other: object = None

    first, second = Node(), Node()
    first.other, second.other = second, first  # a cycle only the collector can free
    del first, second
    assert gc.collect() >= 2
