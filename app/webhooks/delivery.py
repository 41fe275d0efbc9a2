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
from typing import Any

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
# Claimed per round: one update of this many documents (the embedded store updates each at
# a cost that grows with the collection; 500 at once timed out there at 2,000 queued).
BATCH = 50
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

    async def run_once(self, limit: int = BATCH) -> int:
        """Send the due deliveries (up to ``limit``), ``CONCURRENCY`` at a time; how many."""
        claimed = await self.deliveries.claim(datetime.now(UTC), LEASE, limit)
        if not claimed:
            return 0
        endpoints = {
            doc["_id"]: doc
            for doc in await self.endpoints.get_many(list({d["endpointId"] for d in claimed}))
            if doc is not None
        }
        gate = asyncio.Semaphore(CONCURRENCY)

        async def attempt(delivery: Document) -> tuple[Document, Document]:
            async with gate:
                return delivery, await self._attempt(
                    endpoints.get(delivery["endpointId"]), delivery
                )

        outcomes = await asyncio.gather(*(attempt(delivery) for delivery in claimed))
        await self.deliveries.finish(list(outcomes))
        await self._health(endpoints, outcomes)
        return len(claimed)

    async def _health(
        self, endpoints: dict[Any, Document], outcomes: list[tuple[Document, Document]]
    ) -> None:
        """Per endpoint: healthy again after a success, else a failure noted (and after 5 days
        of them, the endpoint disabled)."""
        succeeded: dict[Any, bool] = {}
        for delivery, changes in outcomes:
            endpoint = endpoints.get(delivery["endpointId"])
            if endpoint is None or not endpoint["active"]:
                continue  # failed for that reason, not by the receiver
            ok = changes.get("status") == WebhookDeliveryStatus.DELIVERED.value
            succeeded[endpoint["_id"]] = succeeded.get(endpoint["_id"], False) or ok
        now = datetime.now(UTC)
        for endpoint_id, ok in succeeded.items():
            if ok:
                await self.endpoints.succeeded(endpoint_id)
            elif await self.endpoints.failed(endpoint_id, now):
                log.warning("webhook endpoint %s disabled after 5 days of failures", endpoint_id)

    async def _attempt(self, endpoint: Document | None, delivery: Document) -> Document:
        """The changes this attempt makes to the delivery."""
        now = datetime.now(UTC)
        if endpoint is None or not endpoint["active"]:
            reason = "endpoint deleted" if endpoint is None else "endpoint disabled"
            return {
                "status": WebhookDeliveryStatus.FAILED.value,
                "lastAttemptAt": now,
                "lastError": reason,
            }
        outcome = await self._send(endpoint, delivery, now)
        done = datetime.now(UTC)
        changes: Document = {
            "lastAttemptAt": done,
            "lastStatusCode": outcome.status_code,
            "lastError": outcome.error,
        }
        if outcome.ok:
            changes.update(status=WebhookDeliveryStatus.DELIVERED.value, deliveredAt=done)
            return changes
        created = delivery["createdAt"].replace(tzinfo=UTC)
        due = retry_at(delivery["attempts"], done)
        if due - created > GIVE_UP_AFTER:
            changes["status"] = WebhookDeliveryStatus.FAILED.value
        else:
            changes["nextAttemptAt"] = due
        return changes

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
