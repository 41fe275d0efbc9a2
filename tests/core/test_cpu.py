"""Work spread over worker processes comes back in order, reports each result as it lands,
and stops when the caller stops it (a cancelled job)."""

from __future__ import annotations

import pytest

from app.core.cpu import map_cpu

WORK = [(2, 10), (3, 4), (5, 3), (7, 2)]


@pytest.mark.parametrize("processes", [0, 2])
async def test_results_come_back_in_order(processes: int) -> None:
    reported: list[int] = []

    async def after_each(done: int) -> None:
        reported.append(done)

    assert await map_cpu(pow, WORK, processes, after_each) == [1024, 81, 125, 49]
    assert reported == [1, 2, 3, 4]


@pytest.mark.parametrize("processes", [0, 2])
async def test_a_failing_report_stops_the_rest(processes: int) -> None:
    class Stop(Exception):
        pass

    async def after_each(done: int) -> None:
        raise Stop

    with pytest.raises(Stop):
        await map_cpu(pow, WORK, processes, after_each)
