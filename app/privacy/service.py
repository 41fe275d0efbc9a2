"""Erasing a customer: every registered eraser, then the customer becomes a tombstone.

No step is partial in the end: the customer is first marked ``erasure.state: ERASING``, every
eraser is idempotent, and the tombstone (which drops the name, email and phone the erasers
hunt for) is written last. A process that dies half way leaves an ERASING customer whose
personal data is still on the record; running the same erase again finishes the job. A
transaction is not used, on either engine: an erase can touch tens of thousands of documents,
past MongoDB's transaction limits (60 s lifetime by default), and the embedded store's
transaction behaviour under that load is not something this code relies on (not measured).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from bson import ObjectId

from app.core.db import Document, MongoDatabase
from app.core.errors import ErrorCode, InputError
from app.core.validation import Checker
from app.customers.models import TYPE_NAME as CUSTOMER
from app.customers.repository import CustomerRepository
from app.graphql.relay import encode_id
from app.orders.models import TYPE_NAME as ORDER
from app.orders.repository import OrderRepository
from app.privacy import erasers as _builtin  # noqa: F401  (registers the domains' erasers)
from app.privacy.registry import Subject, erasers, expiry_checks
from app.privacy.scrub import needles_of, pattern_of, scrub
from app.tickets.models import TYPE_NAME as TICKET
from app.tickets.repository import TicketRepository

MAX_REASON = 500
ERASING, ERASED = "ERASING", "ERASED"
ERASED_DOMAIN = "erased.invalid"  # RFC 2606: never a real mailbox
# Customer fields kept on the tombstone besides numbers, dates and IDs (not personal).
KEPT_TEXT = ("lifecycleStage",)


def pseudonym_of(customer_id: ObjectId) -> str:
    """Stable per customer (a re-run writes the same), and says nothing about them."""
    return "erased-" + hashlib.sha256(f"customer:{customer_id}".encode()).hexdigest()[:16]


def tombstone(customer: Document, pseudonym: str, state: Document, now: datetime) -> Document:
    """The customer as kept: no strings but the pseudonym and the stage; numbers, dates and
    IDs (counts, totals, creation time) stay."""
    kept = {
        key: value
        for key, value in customer.items()
        if key in KEPT_TEXT
        or (isinstance(value, (int, float, datetime, ObjectId)) and not isinstance(value, bool))
    }
    return {
        **kept,
        "name": pseudonym,
        "email": f"{pseudonym}@{ERASED_DOMAIN}",
        "phone": None,
        "company": None,
        "address": None,
        "tags": [],
        "erased": True,
        "erasedAt": now,
        "archivedAt": customer.get("archivedAt") or now,  # out of lists and audiences
        "updatedAt": now,
        "erasure": state,
    }


class ErasureService:
    def __init__(self, db: MongoDatabase) -> None:
        self.db = db
        self.customers = CustomerRepository(db)

    async def erase(self, customer_id: ObjectId, reason: str | None) -> Document:
        """Erase the customer (or finish an erase that died); ``ALREADY_ERASED`` if done.

        Returns the erase's record, as audited: ``{_id pseudonym erasedAt reason changes
        needsExpiry}`` (counts per place; no personal data)."""
        check = Checker()
        cleaned = check.text("reason", reason, required=True, max_length=MAX_REASON)
        check.raise_if_any()
        assert cleaned is not None
        customer = await self.customers.get(customer_id)
        if customer is None:
            raise InputError.one("customerId", ErrorCode.NOT_FOUND, "No customer has this ID.")
        if customer.get("erased"):
            raise InputError.one(
                "customerId", ErrorCode.ALREADY_ERASED, "This customer was erased already."
            )
        subject = await subject_of(self.db, customer)
        state = await self._mark(customer, subject, cleaned)
        changes = [(eraser.place, await eraser.erase(self.db, subject)) for eraser in erasers()]
        expiring = [found for c in expiry_checks() if (found := await c.check(self.db, subject))]
        now = datetime.now(UTC)
        final = {
            **state,
            "state": ERASED,
            "finishedAt": now,
            "changes": [{"place": place, "count": count} for place, count in changes],
            "needsExpiry": [vars(e) for e in expiring],
        }
        written = await self.customers.collection.replace_one(
            {"_id": customer_id, "erased": {"$ne": True}},
            tombstone(customer, subject.pseudonym, final, now),
        )
        if written.matched_count == 0:  # a racing erase finished first
            raise InputError.one(
                "customerId", ErrorCode.ALREADY_ERASED, "This customer was erased already."
            )
        return {
            "_id": customer_id,
            "erased": True,
            "pseudonym": subject.pseudonym,
            "erasedAt": now,
            "reason": final["reason"],
            "changes": [{"place": "customers", "count": 1}, *final["changes"]],
            "needsExpiry": final["needsExpiry"],
        }

    async def _mark(self, customer: Document, subject: Subject, reason: str) -> Document:
        """Record the erase as under way (kept from a run that died: its start and reason)."""
        state: Document | None = customer.get("erasure")
        if state is not None and state.get("state") == ERASING:
            return state
        cleaned, _ = scrub(reason, pattern_of(subject.needles))  # the reason may name them
        state = {"state": ERASING, "startedAt": datetime.now(UTC), "reason": cleaned}
        await self.customers.update(customer["_id"], {"erasure": state})
        return state


async def subject_of(db: MongoDatabase, customer: Document) -> Subject:
    """What is the customer's: the values to hunt for, their tickets and orders, the IDs audit
    entries name them by."""
    customer_id = customer["_id"]
    # Name, email and phone: the values free text and job logs quote. (A company is shared by
    # other customers, so it is dropped from the record but not hunted elsewhere.)
    needles = needles_of([customer.get(f) for f in ("name", "email", "phone")])
    mine = {"customerId": customer_id}
    tickets = TicketRepository(db).collection.find(mine, {"_id": 1})
    orders = OrderRepository(db).collection.find(mine, {"_id": 1})
    ticket_ids = [d["_id"] async for d in tickets]
    order_ids = [d["_id"] async for d in orders]
    global_ids = [
        encode_id(CUSTOMER, customer_id),
        *(encode_id(TICKET, i) for i in ticket_ids),
        *(encode_id(ORDER, i) for i in order_ids),
    ]
    return Subject(
        customer_id, pseudonym_of(customer_id), needles, ticket_ids, order_ids, global_ids
    )
