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

from app.db import MongoDatabase
from app.tagging.service import TaggingService
from app.tickets.repository import TicketRepository

log = logging.getLogger(__name__)

BATCH = 200


class AutoTagger:
    def __init__(self, db: MongoDatabase, poll_seconds: float) -> None:
        self.db = db
        self.poll_seconds = poll_seconds
        self.tickets = TicketRepository(db)
        self.service = TaggingService(db)

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
        pending = await self.tickets.pending_tagging(BATCH)
        await self.service.tag_tickets(pending)
        return len(pending)
