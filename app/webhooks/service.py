"""Managing endpoints: URLs checked against server-side request forgery, events known, the
secret made here and shown once (at creation and rotation)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bson import ObjectId

from app.core.db import Document, MongoDatabase
from app.core.errors import ErrorCode, InputError
from app.core.validation import Checker
from app.webhooks import urls
from app.webhooks.models import MAX_ENDPOINTS, ROTATION_OVERLAP, WebhookEvent, new_secret
from app.webhooks.repository import WebhookEndpointRepository


class WebhookService:
    def __init__(self, db: MongoDatabase, *, production: bool) -> None:
        self.endpoints = WebhookEndpointRepository(db)
        self.production = production

    async def _url(self, check: Checker, url: str | None) -> str | None:
        text = check.text("url", url, required=True, max_length=urls.MAX_URL_LENGTH)
        if text is None:
            return None
        try:
            await urls.check(text, self.production)
        except urls.RefusedUrl as refused:
            check.add("url", ErrorCode.INVALID, str(refused))
            return None
        return text

    @staticmethod
    def _events(check: Checker, events: list[WebhookEvent] | None) -> list[str] | None:
        if events is None:
            return None
        if not events:
            check.add("events", ErrorCode.REQUIRED, "Name at least one event.")
            return None
        return sorted({event.value for event in events})

    async def create(self, values: dict[str, Any]) -> Document:
        check = Checker()
        url = await self._url(check, values.get("url"))
        events = self._events(check, values.get("events"))
        if events is None and not check.errors:
            check.add("events", ErrorCode.REQUIRED, "Name at least one event.")
        description = check.text("description", values.get("description"), max_length=500)
        if await self.endpoints.count_all() >= MAX_ENDPOINTS:
            check.add(None, ErrorCode.OUT_OF_RANGE, f"At most {MAX_ENDPOINTS} endpoints.")
        check.raise_if_any()
        now = datetime.now(UTC)
        return await self.endpoints.insert(
            {
                "url": url,
                "description": description,
                "events": events,
                "active": True,
                "secret": new_secret(),
                "createdAt": now,
                "updatedAt": now,
                "failingSince": None,
                "disabledAt": None,
                "disabledReason": None,
            }
        )

    async def update(self, endpoint_id: ObjectId, values: dict[str, Any]) -> Document:
        """Change url, events, description or active. Any update of an endpoint the
        dispatcher disabled enables it again (unless ``active: false`` is sent)."""
        check = Checker()
        changes: Document = {}
        if "url" in values:
            changes["url"] = await self._url(check, values["url"])
        if "events" in values:
            changes["events"] = self._events(check, values["events"] or [])
        if "description" in values:
            changes["description"] = check.text(
                "description", values["description"], max_length=500
            )
        active = values.get("active")
        check.raise_if_any()
        await self.current(endpoint_id)
        changes.update(active=active is not False, updatedAt=datetime.now(UTC))
        if changes["active"]:
            changes.update(failingSince=None, disabledAt=None, disabledReason=None)
        updated = await self.endpoints.change(endpoint_id, changes)
        if updated is None:
            raise self.not_found()
        return updated

    async def rotate(self, endpoint_id: ObjectId) -> Document:
        """A new secret; the old one still signs beside it for 24 hours."""
        endpoint = await self.current(endpoint_id)
        now = datetime.now(UTC)
        updated = await self.endpoints.change(
            endpoint_id,
            {
                "secret": new_secret(),
                "previousSecret": endpoint["secret"],
                "previousUntil": now + ROTATION_OVERLAP,
                "updatedAt": now,
            },
        )
        if updated is None:
            raise self.not_found()
        return updated

    async def delete(self, endpoint_id: ObjectId) -> Document:
        deleted = await self.endpoints.delete(endpoint_id)
        if deleted is None:
            raise self.not_found()
        return deleted

    async def current(self, endpoint_id: ObjectId) -> Document:
        endpoint = await self.endpoints.get(endpoint_id)
        if endpoint is None:
            raise self.not_found()
        return endpoint

    @staticmethod
    def not_found() -> InputError:
        return InputError.one("id", ErrorCode.NOT_FOUND, "No webhook endpoint has this ID.")
