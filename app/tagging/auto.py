"""Automatic tagging: new tickets and new customer messages are tagged within seconds.

Creating a ticket (or a customer's message) marks it ``tagPending``; every worker process runs
this loop, which tags pending tickets in batches. The write is guarded by the ticket's text
revision, so a ticket that changed meanwhile stays pending; two processes tagging the same
ticket write the same result. Nothing lives only in memory: a crash leaves tickets pending.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from app.core.batches import BatchSizer
from app.core.db import MongoDatabase
from app.core.settings import Settings
from app.tagging.service import TaggingService
from app.tickets.repository import TicketRepository

log = logging.getLogger(__name__)

MAX_BATCH = 200


class AutoTagger:
    def __init__(self, db: MongoDatabase, settings: Settings) -> None:
        self.db = db
        self.poll_seconds = settings.job_poll_seconds
        self.tickets = TicketRepository(db)
        self.service = TaggingService(db)
        # Each batch is read, tagged and written in about the time a job's write takes.
        self.sizer = BatchSizer(settings.write_batch_seconds, MAX_BATCH, first=20)

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                tagged = await self.run_once()
            except Exception:
                log.exception("automatic tagging failed; retrying")
                tagged = 0
            if not tagged:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.poll_seconds)

    async def run_once(self) -> int:
        """Tag one batch of pending tickets; returns how many were pending."""
        pending = await self.tickets.pending_tagging(self.sizer.size)
        started = time.perf_counter()
        await self.service.tag_tickets(pending)
        self.sizer.observe(len(pending), time.perf_counter() - started)
        return len(pending)
