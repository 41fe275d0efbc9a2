"""The dispatcher every worker runs: claims due deliveries, signs and POSTs them, and records
the outcome. At least once: a receiver may see a delivery twice (a lease lapsed mid-request, a
redelivery) and de-duplicates by ``webhook-id``. Order across deliveries is not promised.

Each attempt checks the endpoint's URL again (its DNS may now point somewhere private), sends
with a short timeout, follows no redirect (a 3xx is a failure), and reads no response body."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx

from app.core.db import Document, MongoDatabase
from app.core.settings import Settings
from app.webhooks import urls
from app.webhooks.models import GIVE_UP_AFTER, WebhookDeliveryStatus, headers, message_id, retry_at
from app.webhooks.repository import WebhookDeliveryRepository, WebhookEndpointRepository

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
TIMEOUT = httpx.Timeout(10.0, connect=5.0)
CONCURRENCY = 16
POLL_SECONDS = 1.0
MAX_ERROR = 300


@dataclass
class Outcome:
    status_code: int | None
    error: str | None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def secrets_in_use(endpoint: Document, now: datetime) -> list[str]:
    """The current secret, and the previous one while a rotation's overlap lasts."""
    found = [endpoint["secret"]]
    previous, until = endpoint.get("previousSecret"), endpoint.get("previousUntil")
    if previous and until is not None and until.replace(tzinfo=UTC) > now:
        found.append(previous)
    return found


class WebhookDispatcher:
    def __init__(self, db: MongoDatabase, settings: Settings) -> None:
        self.deliveries = WebhookDeliveryRepository(db)
        self.endpoints = WebhookEndpointRepository(db)
        self.production = settings.is_production
        self.client = httpx.AsyncClient(timeout=TIMEOUT, follow_redirects=False, trust_env=False)

    async def run(self, stop: asyncio.Event) -> None:
        try:
            while not stop.is_set():
                try:
                    sent = await self.run_once()
                except Exception:
                    log.exception("webhook dispatch failed; trying again shortly")
                    sent = 0
                if not sent:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), POLL_SECONDS)
        finally:
            await self.client.aclose()

    async def run_once(self, limit: int = 200) -> int:
        """Send up to ``limit`` due deliveries, ``CONCURRENCY`` at a time; returns how many."""
        gate = asyncio.Semaphore(CONCURRENCY)
        tasks: list[asyncio.Task[None]] = []
        for _ in range(limit):
            delivery = await self.deliveries.claim(datetime.now(UTC), LEASE)
            if delivery is None:
                break
            await gate.acquire()
            task = asyncio.create_task(self._attempt(delivery))
            task.add_done_callback(lambda _: gate.release())
            tasks.append(task)
        if tasks:
            await asyncio.gather(*tasks)
        return len(tasks)

    async def _attempt(self, delivery: Document) -> None:
        endpoint = await self.endpoints.get(delivery["endpointId"])
        now = datetime.now(UTC)
        if endpoint is None or not endpoint["active"]:
            reason = "endpoint deleted" if endpoint is None else "endpoint disabled"
            await self.deliveries.finish(
                delivery,
                {
                    "status": WebhookDeliveryStatus.FAILED.value,
                    "lastAttemptAt": now,
                    "lastError": reason,
                },
            )
            return
        outcome = await self._send(endpoint, delivery, now)
        done = datetime.now(UTC)
        changes: Document = {
            "lastAttemptAt": done,
            "lastStatusCode": outcome.status_code,
            "lastError": outcome.error,
        }
        if outcome.ok:
            changes.update(status=WebhookDeliveryStatus.DELIVERED.value, deliveredAt=done)
            await self.deliveries.finish(delivery, changes)
            await self.endpoints.succeeded(endpoint["_id"])
            return
        created = delivery["createdAt"].replace(tzinfo=UTC)
        due = retry_at(delivery["attempts"], done)
        if due - created > GIVE_UP_AFTER:
            changes["status"] = WebhookDeliveryStatus.FAILED.value
        else:
            changes["nextAttemptAt"] = due
        await self.deliveries.finish(delivery, changes)
        if await self.endpoints.failed(endpoint["_id"], done):
            log.warning("webhook endpoint %s disabled after 5 days of failures", endpoint["_id"])

    async def _send(self, endpoint: Document, delivery: Document, now: datetime) -> Outcome:
        try:
            await urls.check(endpoint["url"], self.production)
        except urls.RefusedUrl as refused:
            return Outcome(None, str(refused)[:MAX_ERROR])
        text: str = delivery["body"]
        sent = headers(
            secrets_in_use(endpoint, now), message_id(delivery["_id"]), int(time.time()), text
        )
        try:
            request = self.client.build_request(
                "POST", endpoint["url"], content=text.encode(), headers=sent
            )
            response = await self.client.send(request, stream=True)
            await response.aclose()
        except httpx.HTTPError as error:
            return Outcome(None, f"{type(error).__name__}: {error}"[:MAX_ERROR] or "failed")
        if response.is_redirect:
            return Outcome(response.status_code, "redirects are not followed")
        failure = None if response.is_success else f"HTTP {response.status_code}"
        return Outcome(response.status_code, failure)
