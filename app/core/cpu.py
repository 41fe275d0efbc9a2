"""CPU-heavy work off the event loop: one shared thread for scikit-learn and big loops.

scikit-learn and NumPy release the GIL in their heavy parts, and each call limits BLAS/OpenMP
threads (threadpoolctl), so the API's event loop keeps answering while a job computes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

_EXECUTOR = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cpu")


async def run_cpu[T](function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_EXECUTOR, partial(function, *args, **kwargs))
