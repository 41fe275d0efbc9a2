"""The periodic workflow sweep every worker runs (``CRM_RULE_SWEEP_SECONDS``): SLA targets that
fell due are recorded as breaches; SCHEDULED rules fire on the tickets they now hold for, once
per ticket until their conditions stop holding; team queues are served; and capacity held for
tickets that were never written (a process died between claim and write) is given back.

Each scheduled rule selects its candidates with an indexed query (``index_query``: the status
and "N hours since" bounds), so a sweep over many open tickets reads the few that are due.
Several workers sweeping at once are safe: a firing is written only if the ticket is unchanged
and the rule has not fired on it yet.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bson import ObjectId

from app.core.db import Document, MongoDatabase
from app.tickets.models import TYPE_NAME as TICKET
from app.webhooks.models import WebhookEvent
from app.webhooks.outbox import emit, plain
from app.workflow.assignment import holder
from app.workflow.conditions import index_query, matches
from app.workflow.flow import Workflow
from app.workflow.models import NOT_CLOSED, RuleEvent
from app.workflow.setup import Setup

log = logging.getLogger(__name__)

PAGE = 500
MAX_PAGES = 400  # per rule and sweep: 200,000 tickets
HOLD_GRACE = timedelta(minutes=1)


@dataclass
class SweepReport:
    breaches: int = 0
    fired: int = 0
    rearmed: int = 0
    assigned: int = 0
    released: int = 0
    seconds: float = 0.0


class WorkflowSweep:
    def __init__(self, db: MongoDatabase, every: float) -> None:
        self.flow = Workflow(db)
        self.every = every

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                report = await self.run_once()
                if report.breaches or report.fired or report.assigned or report.released:
                    log.info("workflow sweep: %s", report)
            except Exception:
                log.exception("the workflow sweep failed; it runs again in %.0f s", self.every)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.every)

    async def run_once(self, now: datetime | None = None) -> SweepReport:
        started = time.perf_counter()
        now = now or datetime.now(UTC)
        report = SweepReport()
        setup = await self.flow.setup(RuleEvent.SCHEDULED)
        report.breaches = await self.breaches(setup, now)
        for rule in setup.rules[RuleEvent.SCHEDULED]:
            report.rearmed += await self.rearm(rule, setup, now)
            report.fired += await self.fire(rule, setup, now)
        report.released = await self.release_orphans(now)
        for team_id in setup.teams:
            report.assigned += await self.flow.assignment.serve_queue(team_id, now)
        report.seconds = time.perf_counter() - started
        return report

    async def breaches(self, setup: Setup, now: datetime) -> int:
        """Advance the clocks of tickets whose next target fell due (records the breach)."""
        count = 0
        for _ in range(MAX_PAGES):
            due = await self.flow.tickets.sla_overdue(now, PAGE)
            for ticket in due:
                written = await self.flow.react(RuleEvent.SCHEDULED, ticket, ticket,
                                                setup=setup, rules=[], now=now)  # fmt: skip
                await self._announce_breaches(ticket, written)
            count += len(due)
            if len(due) < PAGE:
                break
        return count

    async def _announce_breaches(self, before: Document, after: Document) -> None:
        """A TICKET_SLA_BREACHED webhook for each target the sweep found missed."""
        known = {b["metric"] for b in (before.get("sla") or {}).get("breaches", [])}
        for breach in (after.get("sla") or {}).get("breaches", []):
            if breach["metric"] in known:
                continue
            try:
                await emit(self.flow.db, WebhookEvent.TICKET_SLA_BREACHED, TICKET, after,
                           customer_id=after.get("customerId"), breach=plain(breach))  # fmt: skip
            except Exception:
                log.exception("the SLA breach webhook of ticket %s was not queued", after["_id"])

    async def fire(self, rule: Document, setup: Setup, now: datetime) -> int:
        query = index_query(rule["conditions"], now)
        rule_id: ObjectId = rule["_id"]
        fired = 0
        after: ObjectId | None = None
        for _ in range(MAX_PAGES):
            page = await self.flow.tickets.scheduled_candidates(query, rule_id, after, PAGE)
            for ticket in page:
                written = await self.flow.react(
                    RuleEvent.SCHEDULED, ticket, ticket, setup=setup, rules=[rule], now=now
                )
                fired += rule_id in (written.get("scheduledRules") or [])
            if len(page) < PAGE:
                break
            after = page[-1]["_id"]
        return fired

    async def rearm(self, rule: Document, setup: Setup, now: datetime) -> int:
        """Tickets the rule fired on whose conditions no longer hold may fire again later."""
        rule_id: ObjectId = rule["_id"]
        rearmed = 0
        after: ObjectId | None = None
        for _ in range(MAX_PAGES):
            page = await self.flow.tickets.fired_on(rule_id, after, PAGE)
            stale = []
            for ticket in page:
                if ticket["status"] not in NOT_CLOSED:
                    stale.append(ticket["_id"])
                    continue
                facts = await self.flow.facts(ticket, ticket, [rule], setup, now)
                if not matches(rule["conditions"], facts):
                    stale.append(ticket["_id"])
            await self.flow.tickets.rearm(stale, rule_id)
            rearmed += len(stale)
            if len(page) < PAGE:
                break
            after = page[-1]["_id"]
        return rearmed

    async def release_orphans(self, now: datetime) -> int:
        """Give back capacity held for tickets that do not hold it (older than a minute: a
        claim is written within the same request)."""
        released = 0
        agents = await self.flow.agents.holds_older_than(now - HOLD_GRACE, PAGE)
        for agent in agents:
            ids = [h["ticket"] for h in agent["holds"] if h["at"] < now - HOLD_GRACE]
            tickets = {t["_id"]: t for t in await self.flow.tickets.find_in("_id", ids)}
            for ticket_id in ids:
                ticket = tickets.get(ticket_id)
                if ticket is None or holder(ticket) != agent["_id"]:
                    await self.flow.agents.release(agent["_id"], ticket_id)
                    released += 1
        return released
