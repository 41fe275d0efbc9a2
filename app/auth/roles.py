"""Roles and the identity of a caller."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Literal


class Role(Enum):
    """What a caller may do; see the README's permissions table."""

    ADMIN = "ADMIN"
    MANAGER = "MANAGER"
    AGENT = "AGENT"
    ANALYST = "ANALYST"
    # A customer signed in to a portal or app (a JWT naming the customer): their own record,
    # orders and tickets, and published articles; nothing else.
    CUSTOMER = "CUSTOMER"


PrincipalKind = Literal["api_key", "user", "development"]


@dataclass(frozen=True)
class Principal:
    """An authenticated caller: an API key, a JWT user, or the local development admin."""

    kind: PrincipalKind
    id: str
    name: str
    role: Role
    # The customer a CUSTOMER principal is (hex ObjectId); None for staff.
    customer_id: str | None = None

    @property
    def bucket(self) -> str:
        """The rate-limit bucket of this caller."""
        return f"{self.kind}:{self.id}"


DEVELOPMENT_ADMIN = Principal(kind="development", id="local", name="development", role=Role.ADMIN)
