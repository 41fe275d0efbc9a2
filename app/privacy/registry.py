"""The erasers: each place that can hold a customer's personal data contributes one.

A domain registers an ``Eraser`` (it edits its documents) or an ``ExpiryCheck`` (its copies
cannot be edited, such as exports and backups: it reports what still holds the customer so an
operator expires it). Every eraser must be idempotent: an erase that died half way is run
again from the start, and each step finds nothing left to do where it already ran.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from bson import ObjectId

from app.core.db import MongoDatabase

ERASED_TEXT = "[erased]"


@dataclass(frozen=True)
class Subject:
    """The customer being erased: the values to hunt for, and the objects that are theirs."""

    customer_id: ObjectId
    pseudonym: str
    # Name, email, phone (and address lines, company): any string holding one is scrubbed.
    needles: tuple[str, ...]
    ticket_ids: Sequence[ObjectId]
    order_ids: Sequence[ObjectId]
    # The GraphQL IDs of the customer, their tickets and orders (audit entries name these).
    global_ids: Sequence[str]


@dataclass(frozen=True)
class Expiry:
    """Copies that cannot be edited and still hold the customer: expire or delete them."""

    place: str
    count: int
    note: str


class Eraser(Protocol):
    """Removes or pseudonymises the subject's data in one place; returns documents changed."""

    @property
    def place(self) -> str: ...

    async def erase(self, db: MongoDatabase, subject: Subject) -> int: ...


class ExpiryCheck(Protocol):
    """Finds copies of the subject's data that cannot be edited (None when there are none)."""

    @property
    def place(self) -> str: ...

    async def check(self, db: MongoDatabase, subject: Subject) -> Expiry | None: ...


_ERASERS: list[Eraser] = []
_EXPIRY_CHECKS: list[ExpiryCheck] = []


def register_eraser(eraser: Eraser) -> None:
    """Run ``eraser`` in every erase, after those registered before it (a place registered
    twice runs once)."""
    if all(known.place != eraser.place for known in _ERASERS):
        _ERASERS.append(eraser)


def register_expiry_check(check: ExpiryCheck) -> None:
    if all(known.place != check.place for known in _EXPIRY_CHECKS):
        _EXPIRY_CHECKS.append(check)


def erasers() -> tuple[Eraser, ...]:
    return tuple(_ERASERS)


def expiry_checks() -> tuple[ExpiryCheck, ...]:
    return tuple(_EXPIRY_CHECKS)
