"""``exportCustomerData``: everything the CRM holds about a customer (GDPR Art. 15) as one JSON
document, written section by section into the exports bucket (memory stays bounded for a
customer with a long history) and downloaded through a signed link that expires like an
export's (``/exports/<id>?token=``, ``CRM_EXPORT_TTL``).

The document: ``{"format": ..., "exportedAt", "customerId", "notes", <section>: [documents]}``
for every section of ``app.privacy.holdings``, each document as stored (``_id`` kept, times in
ISO 8601 UTC, amounts in minor units of their currency). An erase deletes the customer's data
exports outright (``CustomerDataExportEraser``): they are ours to delete, unlike bulk exports.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bson import ObjectId
from gridfs.asynchronous import AsyncGridIn

from app.core.db import Document, MongoDatabase
from app.core.errors import ErrorCode, InputError
from app.core.jsonable import json_scalar
from app.core.settings import Settings
from app.customers.models import TYPE_NAME as CUSTOMER
from app.customers.repository import CustomerRepository
from app.exports.files import ExportFiles
from app.exports.jobs import download_url
from app.exports.tokens import sign, signing_key
from app.graphql.relay import encode_id
from app.privacy.holdings import SECTIONS
from app.privacy.registry import Subject
from app.privacy.service import subject_of

FORMAT = "crm-customer-data/1"
FLUSH_BYTES = 256 * 1024
NOTES = (
    "Amounts (price, unitPrice, total, revenue) are in minor units of their currency "
    "(cents). surveyAnswers repeat the ratings held in tickets, with their ticket."
)


def _value(value: Any) -> Any:
    converted = json_scalar(value)
    if converted is value:
        raise TypeError(f"cannot write {type(value).__name__} as JSON")
    return converted


def dumps(value: Any) -> str:
    return json.dumps(value, default=_value, ensure_ascii=False)


@dataclass
class _Writer:
    """Appends text to an upload, flushed in pieces of about ``FLUSH_BYTES``."""

    upload: AsyncGridIn
    pending: list[bytes]
    size: int = 0
    buffered: int = 0

    async def add(self, text: str) -> None:
        data = text.encode()
        self.pending.append(data)
        self.size += len(data)
        self.buffered += len(data)
        if self.buffered >= FLUSH_BYTES:
            await self.flush()

    async def flush(self) -> None:
        if self.pending:
            await self.upload.write(b"".join(self.pending))
        self.pending, self.buffered = [], 0


class CustomerDataService:
    def __init__(self, db: MongoDatabase) -> None:
        self.db = db
        self.files = ExportFiles(db)

    async def export(self, customer_id: ObjectId, settings: Settings) -> Document:
        """Write the customer's document; returns ``{_id fileId bytes expiresAt sections url}``
        (``url`` carries the link's token: not for the audit trail)."""
        customer = await CustomerRepository(self.db).get(customer_id)
        if customer is None:
            raise InputError.one("customerId", ErrorCode.NOT_FOUND, "No customer has this ID.")
        key = signing_key(settings)
        if key is None:
            raise InputError.one(
                "customerId", ErrorCode.NOT_CONFIGURED, "Set CRM_EXPORT_SECRET to sign links."
            )
        subject = await subject_of(self.db, customer)
        now = datetime.now(UTC)
        await self.files.sweep(now)
        expires = now + timedelta(seconds=settings.export_ttl)
        metadata = {"expiresAt": expires, "format": "JSON", "customerId": customer_id}
        file_id, (counts, size) = await self.files.upload(
            f"customer-{customer_id}.json",
            metadata,
            lambda stream: self._write(stream, subject, now),
        )
        return {
            "_id": customer_id,
            "fileId": file_id,
            "bytes": size,
            "expiresAt": expires,
            "sections": [{"name": name, "count": n} for name, n in counts.items()],
            "url": download_url(file_id, sign(key, file_id, expires)),
        }

    async def _write(
        self, stream: AsyncGridIn, subject: Subject, now: datetime
    ) -> tuple[dict[str, int], int]:
        """The document, section by section: documents per section, and bytes written."""
        out = _Writer(stream, [])
        header = {
            "format": FORMAT,
            "exportedAt": now,
            "customerId": encode_id(CUSTOMER, subject.customer_id),
            "notes": NOTES,
        }
        await out.add(dumps(header)[:-1])  # the object stays open for the sections
        counts: dict[str, int] = {}
        for section in SECTIONS:
            await out.add(f", {dumps(section.name)}: [")
            count = 0
            async for document in section.read(self.db, subject):
                await out.add((",\n" if count else "\n") + dumps(document))
                count += 1
            await out.add("]")
            counts[section.name] = count
        await out.add("}\n")
        await out.flush()
        return counts, out.size
