"""CPU-heavy work off the event loop: one shared thread for scikit-learn and big loops, and
worker processes for work that splits into independent tasks.

scikit-learn and NumPy release the GIL in their heavy parts, and each call limits BLAS/OpenMP
threads (threadpoolctl), so the API's event loop keeps answering while a job computes.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from functools import partial
from typing import Any

_EXECUTOR = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cpu")


async def run_cpu[T](function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_EXECUTOR, partial(function, *args, **kwargs))


async def map_cpu[T](
    function: Callable[..., T],
    arguments: Sequence[tuple[Any, ...]],
    processes: int,
    after_each: Callable[[int], Awaitable[None]],
) -> list[T]:
    """``function(*args)`` for every tuple, in order: in the CPU thread one after another
    (``processes`` 0), or spread over that many fresh worker processes (spawned: this
    process has threads, which forking would copy mid-flight). ``after_each(done)`` runs on
    the event loop as results arrive; if it raises (a cancelled job), the rest are dropped."""
    if processes <= 0:
        results = []
        for done, args in enumerate(arguments, start=1):
            results.append(await run_cpu(function, *args))
            await after_each(done)
        return results
    loop = asyncio.get_running_loop()
    pool = ProcessPoolExecutor(
        max_workers=min(processes, max(len(arguments), 1)),
        mp_context=multiprocessing.get_context("spawn"),
    )
    try:
        futures = [loop.run_in_executor(pool, partial(function, *args)) for args in arguments]
        for done, finished in enumerate(asyncio.as_completed(futures), start=1):
            await finished
            await after_each(done)
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    await asyncio.to_thread(pool.shutdown)  # idle workers exit; joining them waits off the loop
    return [future.result() for future in futures]
