"""The fulfilment queue: paid orders with tracked items wait here for a picker.

Pickers take the highest priority first, then the oldest; ``claimNextFulfilment`` is one
atomic update, so however many ask at once, each fulfilment goes to exactly one of them.
"""

from __future__ import annotations

from datetime import timedelta

from bson import ObjectId

from app.core.db import Document, MongoDatabase
from app.core.errors import ErrorCode, InputError
from app.core.validation import Checker
from app.inventory.models import FulfilmentStatus, new_fulfilment
from app.inventory.repository import FulfilmentRepository
from app.inventory.service import utc_now
from app.segmentation.repository import AssignmentRepository, SegmentationRunRepository

# Priority from the customer's place in the latest segmentation: RFM Champions first, then
# the most valuable segment, then Loyal customers; everyone else 0. Explicit priorities
# (setFulfilmentPriority) take any value from 0 to 100.
CHAMPIONS, TOP_SEGMENT, LOYAL = 30, 20, 10
MAX_PRIORITY = 100
# A fulfilment should be done within this long of payment (fulfilBy).
SERVICE_LEVEL = timedelta(days=2)

QUEUED, IN_PROGRESS, ON_HOLD, DONE, CANCELLED = (
    FulfilmentStatus.QUEUED.value,
    FulfilmentStatus.IN_PROGRESS.value,
    FulfilmentStatus.ON_HOLD.value,
    FulfilmentStatus.DONE.value,
    FulfilmentStatus.CANCELLED.value,
)


class FulfilmentQueue:
    def __init__(self, db: MongoDatabase) -> None:
        self.fulfilments = FulfilmentRepository(db)
        self.runs = SegmentationRunRepository(db)
        self.assignments = AssignmentRepository(db)

    async def enqueue(self, order: Document) -> Document:
        """Queue a paid order (once; a second call returns its fulfilment)."""
        now = utc_now()
        priority = await self.customer_priority(order["customerId"])
        document = new_fulfilment(order, order["warehouseId"], priority, now + SERVICE_LEVEL, now)
        return await self.fulfilments.enqueue(document)

    async def customer_priority(self, customer_id: ObjectId) -> int:
        run = await self.runs.latest()
        if run is None:
            return 0
        found = await self.assignments.for_customers(run["_id"], [customer_id])
        assignment = found.get(customer_id)
        if assignment is None:
            return 0
        group = (assignment.get("rfm") or {}).get("group")
        ranks = {segment["key"]: segment["rank"] for segment in run["segments"]}
        if group == "Champions":
            return CHAMPIONS
        if ranks.get(assignment["key"]) == 1:
            return TOP_SEGMENT
        return LOYAL if group == "Loyal" else 0

    async def claim_next(self, warehouse_id: ObjectId, picker: str) -> Document | None:
        return await self.fulfilments.claim_next(warehouse_id, picker, utc_now())

    async def picked(self, fulfilment_id: ObjectId, picker: str) -> Document:
        """The fulfilment a picker is completing: theirs, and in progress."""
        found = await self._get(fulfilment_id)
        if found["status"] != IN_PROGRESS:
            raise _refused(f"The fulfilment is {found['status']}; claim it first.")
        if found["claimedBy"] != picker:
            raise InputError.one(
                "id", ErrorCode.INVALID, f"{found['claimedBy']} is picking this fulfilment."
            )
        return found

    async def done(self, fulfilment_id: ObjectId, picker: str, tracking: str) -> Document:
        now = utc_now()
        changes = {"status": DONE, "trackingNumber": tracking, "updatedAt": now}
        # DONE already if shipping the order closed it.
        query = {"status": {"$in": [IN_PROGRESS, DONE]}, "claimedBy": picker}
        return await self._moved(fulfilment_id, query, changes)

    async def hold(self, fulfilment_id: ObjectId, reason: str) -> Document:
        check = Checker()
        text = check.text("reason", reason, required=True, max_length=500)
        check.raise_if_any()
        changes = {"status": ON_HOLD, "holdReason": text, "updatedAt": utc_now()}
        return await self._moved(fulfilment_id, {"status": {"$in": [QUEUED, IN_PROGRESS]}}, changes)

    async def release(self, fulfilment_id: ObjectId) -> Document:
        """Back in the queue, unclaimed (from hold, or from a picker who let it go)."""
        changes = {
            "status": QUEUED, "claimedBy": None, "claimedAt": None, "holdReason": None,
            "updatedAt": utc_now(),
        }  # fmt: skip
        query = {"status": {"$in": [ON_HOLD, IN_PROGRESS]}}
        return await self._moved(fulfilment_id, query, changes)

    async def set_priority(self, fulfilment_id: ObjectId, priority: int) -> Document:
        if not 0 <= priority <= MAX_PRIORITY:
            raise InputError.one(
                "priority", ErrorCode.OUT_OF_RANGE, f"priority must be 0 to {MAX_PRIORITY}."
            )
        query = {"status": {"$in": [QUEUED, ON_HOLD]}}
        return await self._moved(fulfilment_id, query, {"priority": priority})

    async def close(self, order_id: ObjectId, status: str) -> None:
        """The order shipped (DONE) or will not ship (CANCELLED) without the queue."""
        found = await self.fulfilments.of_order(order_id)
        if found is not None and found["status"] not in (DONE, CANCELLED):
            await self.fulfilments.move(
                found["_id"],
                {"status": found["status"]},
                {"status": status, "updatedAt": utc_now()},
            )

    async def _get(self, fulfilment_id: ObjectId) -> Document:
        found = await self.fulfilments.get(fulfilment_id)
        if found is None:
            raise InputError.one("id", ErrorCode.NOT_FOUND, "No fulfilment has this ID.")
        return found

    async def _moved(self, fulfilment_id: ObjectId, query: Document, changes: Document) -> Document:
        moved = await self.fulfilments.move(fulfilment_id, query, changes)
        if moved is None:
            found = await self._get(fulfilment_id)
            raise _refused(f"The fulfilment is {found['status']}; it cannot go there.")
        return moved


def _refused(message: str) -> InputError:
    return InputError.one("id", ErrorCode.INVALID_TRANSITION, message)
