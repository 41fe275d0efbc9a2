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
from datetime import UTC, datetime

from app.core.batches import BatchSizer
from app.core.db import Document, MongoDatabase
from app.core.settings import Settings
from app.tagging.service import TaggingService
from app.tickets.repository import TicketRepository
from app.workflow.flow import Workflow

log = logging.getLogger(__name__)

MAX_BATCH = 200
MAX_BACKOFF_SECONDS = 60.0


class AutoTagger:
    def __init__(self, db: MongoDatabase, settings: Settings) -> None:
        self.db = db
        self.poll_seconds = settings.job_poll_seconds
        self.tickets = TicketRepository(db)
        self.service = TaggingService(db)
        self.workflow = Workflow(db)
        # Each batch is read, tagged and written in about the time a job's write takes.
        self.sizer = BatchSizer(settings.write_batch_seconds, MAX_BATCH, first=20)

    async def run(self, stop: asyncio.Event) -> None:
        failures = 0  # in a row: the wait doubles, and only the first of a streak is logged
        while not stop.is_set():
            try:
                tagged = await self.run_once()
                if failures:
                    log.info("automatic tagging works again after %d failures", failures)
                failures = 0
            except Exception:
                failures += 1
                if failures == 1:
                    log.exception("automatic tagging failed; retrying with backoff")
                tagged = 0
            if not tagged:
                wait = min(self.poll_seconds * 2**failures, MAX_BACKOFF_SECONDS)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), wait)

    async def run_once(self) -> int:
        """Tag one batch of pending tickets; returns how many were pending. When the batch
        fails, each ticket is tried alone, and those that fail alone are set aside."""
        pending = await self.tickets.pending_tagging(self.sizer.size)
        started = time.perf_counter()
        try:
            await self.service.tag_tickets(pending)
        except Exception:
            for ticket in pending:
                try:
                    await self.service.tag_tickets([ticket])
                except Exception as error:
                    await self._set_aside(ticket, f"{type(error).__name__}: {error}"[:300])
        for ticket in pending:
            # Tags, language or sentiment the tagger changed are a TAGS_CHANGED event.
            try:
                await self.workflow.tags_changed(ticket)
            except Exception:
                log.exception("the TAGS_CHANGED rules failed on ticket %s", ticket["_id"])
        self.sizer.observe(len(pending), time.perf_counter() - started)
        return len(pending)

    async def _set_aside(self, ticket: Document, reason: str) -> None:
        log.warning("could not tag ticket %s (%s); set aside", ticket["_id"], reason)
        await self.tickets.set_aside(ticket, reason, datetime.now(UTC))
