"""The results of ``eraseCustomer`` and ``exportCustomerData``."""

from __future__ import annotations

from datetime import datetime

import strawberry

from app.core.db import Document
from app.customers.models import TYPE_NAME as CUSTOMER
from app.graphql.relay import encode_id


@strawberry.type(description="Documents changed in one place by an erase.")
class ErasedPlace:
    place: str
    count: int


@strawberry.type(
    description="Copies that cannot be edited (uploads, exports, backups) and still hold the "
    "customer: expire or delete them."
)
class ExpiryNeeded:
    place: str
    count: int
    note: str


@strawberry.type(description="What an erase did. The customer stays as a tombstone.")
class CustomerErasure:
    customer_id: strawberry.ID
    pseudonym: str
    erased_at: datetime
    changes: list[ErasedPlace]
    needs_expiry: list[ExpiryNeeded]

    reason: str

    @classmethod
    def from_document(cls, document: Document) -> CustomerErasure:
        return cls(
            customer_id=encode_id(CUSTOMER, document["_id"]),
            pseudonym=document["pseudonym"],
            erased_at=document["erasedAt"],
            reason=document["reason"],
            changes=[ErasedPlace(place=c["place"], count=c["count"]) for c in document["changes"]],
            needs_expiry=[
                ExpiryNeeded(place=e["place"], count=e["count"], note=e["note"])
                for e in document["needsExpiry"]
            ],
        )


@strawberry.type(description="Documents about the customer in one section of their export.")
class CustomerDataSection:
    name: str
    count: int


@strawberry.type(description="Everything held about a customer, as one JSON file to download.")
class CustomerDataExport:
    customer_id: strawberry.ID
    bytes: int
    expires_at: datetime
    sections: list[CustomerDataSection]
    url: str = strawberry.field(description="`/exports/<id>?token=...`, valid until expiresAt.")

    @classmethod
    def from_document(cls, document: Document, url: str) -> CustomerDataExport:
        return cls(
            customer_id=encode_id(CUSTOMER, document["_id"]),
            bytes=document["bytes"],
            expires_at=document["expiresAt"],
            sections=[
                CustomerDataSection(name=s["name"], count=s["count"]) for s in document["sections"]
            ],
            url=url,
        )
