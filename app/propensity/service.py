"""The rules of a propensity request (checked before a job is queued), and the customers a
propensity filter selects under a target's active model."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bson import ObjectId

from app.core.db import Document, MongoDatabase
from app.core.errors import ErrorCode, InputError
from app.core.validation import Checker
from app.customers.members import MemberList
from app.orders.repository import OrderRepository
from app.propensity.models import (
    MAX_HORIZON_DAYS,
    MIN_HORIZON_DAYS,
    PropensityModel,
    PropensityTarget,
)
from app.propensity.repository import PropensityModelRepository, PropensityScoreRepository

CLOCK_SKEW = timedelta(minutes=5)
WINDOWS = 3  # features need a horizon of history before the training cut-off (asOf - 2h)


async def training_params(
    db: MongoDatabase,
    *,
    target: PropensityTarget,
    horizon_days: int,
    as_of: datetime | None,
    model: PropensityModel,
    now: datetime,
) -> Document:
    """The job's parameters, or every problem with the request (nothing is queued then).
    asOf defaults to the newest revenue order's time (now if there is none); the history from
    the oldest revenue order to asOf must span three horizons (features, training labels,
    validation labels)."""
    check = Checker()
    if not MIN_HORIZON_DAYS <= horizon_days <= MAX_HORIZON_DAYS:
        check.add(
            "horizonDays",
            ErrorCode.OUT_OF_RANGE,
            f"horizonDays is {horizon_days}; it must be {MIN_HORIZON_DAYS} to {MAX_HORIZON_DAYS}.",
        )
    if as_of is not None and as_of > now + CLOCK_SKEW:
        check.add("asOf", ErrorCode.OUT_OF_RANGE, "asOf cannot be in the future.")
    check.raise_if_any()
    orders = OrderRepository(db)
    if as_of is None:
        last = await orders.last_revenue_order_at()
        as_of = _utc(last) if last is not None else now
    first = await orders.first_revenue_order_at(as_of)
    history = (as_of - _utc(first)).days if first is not None else 0
    if history < WINDOWS * horizon_days:
        raise InputError.one(
            "horizonDays",
            ErrorCode.OUT_OF_RANGE,
            f"The order history before asOf spans {history} days; a {horizon_days}-day horizon "
            f"needs {WINDOWS * horizon_days} (a horizon of features, one to train on, one to "
            f"validate on). Use at most {history // WINDOWS} days.",
        )
    return {
        "target": target.value,
        "horizonDays": horizon_days,
        "asOf": as_of,
        "model": model.value,
    }


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Audience:
    """The customers of a target's active model: the ``top_percent`` most likely, those
    scoring at least ``min_score``, or both."""

    run_id: ObjectId
    below_rank: int | None
    min_score: float | None


async def audience(
    db: MongoDatabase,
    target: PropensityTarget,
    min_score: float | None,
    top_percent: float | None,
) -> Audience | None:
    """The selection under ``target``'s active model; None when the target has none."""
    run = await PropensityModelRepository(db).active(target)
    if run is None:
        return None
    below = None
    if top_percent is not None:
        below = math.ceil(run["customerCount"] * top_percent / 100)
    return Audience(run["_id"], below, min_score)


class PropensityMembers(MemberList[Audience]):
    def __init__(self, db: MongoDatabase) -> None:
        super().__init__(db)
        self.scores = PropensityScoreRepository(db)

    async def member_ids(
        self, members: Audience, *, after: ObjectId | None, forward: bool, limit: int
    ) -> list[ObjectId]:
        return await self.scores.member_ids(
            members.run_id,
            members.below_rank,
            members.min_score,
            after=after,
            forward=forward,
            limit=limit,
        )
