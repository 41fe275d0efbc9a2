"""Copies made for others: webhook payloads (scrubbed here; those already delivered are
listed, since the receivers hold them), the customer's own data exports (deleted), bulk export
files and backup archives (listed: they cannot be edited; they expire with ``CRM_EXPORT_TTL``
and ``CRM_BACKUP_KEEP``)."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from app.core.db import MongoDatabase
from app.core.settings import Settings
from app.exports.files import ExportFiles
from app.privacy.registry import Expiry, Subject
from app.webhooks.models import WebhookDeliveryStatus
from app.webhooks.repository import WebhookDeliveryRepository

ERASED_PAYLOAD = json.dumps({"type": "ERASED", "data": {"erased": True}})


@dataclass(frozen=True)
class WebhookEraser:
    """Every delivery about the customer gets an erased payload (still sent, if pending)."""

    place: str = "webhook_deliveries"

    async def erase(self, db: MongoDatabase, subject: Subject) -> int:
        return await WebhookDeliveryRepository(db).scrub_customer(
            subject.customer_id, ERASED_PAYLOAD
        )


@dataclass(frozen=True)
class CustomerDataExportEraser:
    """The customer's own data exports (``exportCustomerData``): deleted."""

    place: str = "customer data exports"

    async def erase(self, db: MongoDatabase, subject: Subject) -> int:
        return await ExportFiles(db).delete_of_customer(subject.customer_id)


@dataclass(frozen=True)
class DeliveredWebhooksCheck:
    place: str = "webhook receivers"

    async def check(self, db: MongoDatabase, subject: Subject) -> Expiry | None:
        delivered = await WebhookDeliveryRepository(db).count(
            {"customerId": subject.customer_id, "status": WebhookDeliveryStatus.DELIVERED.value}
        )
        if not delivered:
            return None
        note = "Delivered to webhook endpoints before the erase: ask their owners to delete them."
        return Expiry(self.place, delivered, note)


@dataclass(frozen=True)
class ExportsCheck:
    place: str = "exports"

    async def check(self, db: MongoDatabase, subject: Subject) -> Expiry | None:
        live = {"metadata.expiresAt": {"$gt": datetime.now(UTC)}}
        count = await ExportFiles(db).files.count_documents(live)
        if not count:
            return None
        note = "Export files not expired yet may hold the customer; they go at their expiry."
        return Expiry(self.place, count, note)


def _archives(folder: str | None) -> int:
    return len(list(Path(folder).glob("crm-*.tar.gz"))) if folder else 0


@dataclass(frozen=True)
class BackupsCheck:
    place: str = "backups"

    async def check(self, db: MongoDatabase, subject: Subject) -> Expiry | None:
        count = await asyncio.to_thread(_archives, Settings().backup_dir)
        if not count:
            return None
        note = (
            "Archives in CRM_BACKUP_DIR written before the erase hold the customer; they age out "
            "with CRM_BACKUP_KEEP. A restore from one must be followed by this erase again."
        )
        return Expiry(self.place, count, note)
