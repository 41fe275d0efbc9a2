"""Recording what happened to whom: exposures, opens, clicks and reported conversions.

A call is checked whole before anything is written. A customer belongs to one variant: the one
assigned to them, or (for customers the sending tool assigned) the variant of their first
recorded event, which then becomes their assignment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from bson import ObjectId

from app.campaigns.models import HOLDOUT, MAX_EVENTS, RECORDING, CampaignEventType
from app.campaigns.repository import (
    CampaignAssignmentRepository,
    CampaignEventRepository,
    CampaignRepository,
    assignment_document,
    event_id,
)
from app.core.db import Document, MongoDatabase
from app.core.errors import ErrorCode, FieldError, InputError
from app.core.money import MoneyError, to_minor
from app.core.validation import Checker
from app.customers.repository import CustomerRepository

CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class Event:
    customer_id: ObjectId
    variant: str
    event: CampaignEventType
    at: datetime
    revenue: Decimal | None = None


@dataclass(frozen=True)
class Checked:
    campaign: Document
    documents: list[Document]
    positions: list[int]
    assignments: list[Document]
    errors: dict[int, list[FieldError]]


@dataclass(frozen=True)
class Recorded:
    campaign: Document
    recorded: int
    duplicates: int
    conflicts: list[int]  # positions refused: their customer holds another variant


class CampaignEvents:
    def __init__(self, db: MongoDatabase) -> None:
        self.campaigns = CampaignRepository(db)
        self.assignments = CampaignAssignmentRepository(db)
        self.events = CampaignEventRepository(db)
        self.customers = CustomerRepository(db)

    async def record(self, campaign_id: ObjectId, events: list[Event]) -> Recorded:
        """All of ``events`` or, if any is wrong, none (every problem reported)."""
        campaign = await self.recording(campaign_id, "campaignId")
        if not 1 <= len(events) <= MAX_EVENTS:
            raise InputError.one("events", ErrorCode.OUT_OF_RANGE, f"1 to {MAX_EVENTS} events.")
        checked = await self.check(campaign, events)
        problems = [
            FieldError(f"events.{i}.{error.field}", error.code, error.message)
            for i, errors in sorted(checked.errors.items())
            for error in errors
        ]
        if problems:
            raise InputError(problems)
        return await self.write(checked, whole=True)

    async def recording(self, campaign_id: ObjectId, field: str) -> Document:
        """The campaign, if it takes events."""
        campaign = await self.campaigns.get(campaign_id)
        if campaign is None:
            raise InputError.one(field, ErrorCode.NOT_FOUND, "No campaign has this ID.")
        if campaign["status"] not in RECORDING:
            raise InputError.one(
                field,
                ErrorCode.INVALID_TRANSITION,
                f"The campaign is {campaign['status']}: events are recorded while it runs or "
                "is stopped.",
            )
        return campaign

    async def write(self, checked: Checked, *, whole: bool = False) -> Recorded:
        """The events that passed, and the assignments their customers get. A customer
        assigned another variant meanwhile (a concurrent call or ``campaignVariant``) keeps
        it, and the call is refused when ``whole`` (an import keeps the first claim)."""
        conflicts: list[int] = []
        if checked.assignments and whole:
            await self.assignments.add(checked.assignments)
            wanted = {doc["customerId"]: doc["variant"] for doc in checked.assignments}
            held = await self.assignments.of(checked.campaign["_id"], list(wanted))
            lost = {customer for customer, variant in held.items() if variant != wanted[customer]}
            conflicts = [
                position
                for position, doc in zip(checked.positions, checked.documents, strict=True)
                if doc["customerId"] in lost
            ]
        if conflicts and whole:
            raise InputError(
                [
                    FieldError(
                        f"events.{position}.variant",
                        ErrorCode.INVALID,
                        "The customer was assigned another variant meanwhile.",
                    )
                    for position in conflicts
                ]
            )
        refused = set(conflicts)
        kept = [
            doc
            for position, doc in zip(checked.positions, checked.documents, strict=True)
            if position not in refused
        ]
        recorded = await self.events.add(kept)
        return Recorded(checked.campaign, recorded, len(kept) - recorded, conflicts)

    async def check(self, campaign: Document, events: list[Event]) -> Checked:
        """Each event checked against the campaign, its customer and their variant: the
        documents of those that pass, the problems of those that do not (by position)."""
        keys = {variant["key"] for variant in campaign["variants"]}
        start = _utc(campaign["startAt"])
        now = datetime.now(UTC)
        customers = list(dict.fromkeys(event.customer_id for event in events))
        known = {doc["_id"] for doc in await self.customers.find_in("_id", customers, {"_id": 1})}
        held = await self.assignments.of(campaign["_id"], customers)
        errors: dict[int, list[FieldError]] = {}
        documents: list[Document] = []
        positions: list[int] = []  # each document's place in ``events``
        new_assignments: dict[ObjectId, Document] = {}
        for i, event in enumerate(events):
            check = Checker()
            at = _utc(event.at)
            if event.customer_id not in known:
                check.add("customerId", ErrorCode.NOT_FOUND, "No customer has this ID.")
            variant = held.get(event.customer_id)
            if event.variant not in keys:
                check.add(
                    "variant",
                    ErrorCode.INVALID,
                    f"The campaign has no variant {event.variant!r}; its variants are "
                    f"{', '.join(sorted(keys))}.",
                )
            elif variant == HOLDOUT:
                check.add(
                    "customerId",
                    ErrorCode.INVALID,
                    "The customer is in the holdout: nothing may be sent to them.",
                )
            elif variant is not None and variant != event.variant:
                check.add(
                    "variant",
                    ErrorCode.INVALID,
                    f"The customer belongs to variant {variant!r}, not {event.variant!r}.",
                )
            if at < start:
                check.add("at", ErrorCode.OUT_OF_RANGE, f"Before the campaign started ({start}).")
            elif at > now + CLOCK_SKEW:
                check.add("at", ErrorCode.OUT_OF_RANGE, "In the future.")
            revenue = self._revenue(check, event, campaign["currency"])
            if check.errors:
                errors[i] = check.errors
                continue
            if variant is None:  # the sending tool assigned them: the first event says how
                held[event.customer_id] = event.variant
                new_assignments[event.customer_id] = assignment_document(
                    campaign["_id"], event.customer_id, event.variant, now, "events"
                )
            positions.append(i)
            documents.append(
                {
                    "_id": event_id(campaign["_id"], event.customer_id, event.event.value, at),
                    "campaignId": campaign["_id"],
                    "customerId": event.customer_id,
                    "variant": event.variant,
                    "event": event.event.value,
                    "at": at,
                    **({"revenue": revenue} if revenue is not None else {}),
                    "recordedAt": now,
                }
            )
        return Checked(campaign, documents, positions, list(new_assignments.values()), errors)

    @staticmethod
    def _revenue(check: Checker, event: Event, currency: str) -> int | None:
        if event.revenue is None:
            return None
        if event.event is not CampaignEventType.CONVERTED:
            check.add("revenue", ErrorCode.INVALID, "Only a CONVERTED event has revenue.")
            return None
        try:
            minor = to_minor(event.revenue, currency)
        except MoneyError as error:
            check.add("revenue", ErrorCode.INVALID, str(error))
            return None
        if minor < 0:
            check.add("revenue", ErrorCode.OUT_OF_RANGE, "Revenue cannot be negative.")
            return None
        return minor


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
