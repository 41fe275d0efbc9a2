"""Permissions declared on fields and mutations, and masking of personal data.

Every root field declares who may call it with ``allow(...)``; a test checks each against the
permissions table and fails for a field that declares nothing.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import strawberry
from bson import ObjectId
from graphql import GraphQLError
from strawberry.extensions import FieldExtension
from strawberry.permission import BasePermission, PermissionExtension

from app.auth.roles import Principal, Role

__all__ = ["Role"]
from app.graphql.context import Info

# Registered here; GraphQL types take Role from this module, so it is registered first.
strawberry.enum(Role, description="What a caller may do; see the README's permissions table.")

# Every staff role; a CUSTOMER sees only their own data (the fields in customer_view.py).
EVERYONE = frozenset(Role) - {Role.CUSTOMER}
# Staff and customers: fields a customer reaches too (``viewer``, ``node``).
ANYONE = frozenset(Role)
# Only a customer: their own lists (``myOrders``, ``myTickets``); staff have none.
CUSTOMERS = frozenset({Role.CUSTOMER})
CRM_WRITERS = frozenset({Role.ADMIN, Role.MANAGER})
TICKET_WRITERS = frozenset({Role.ADMIN, Role.MANAGER, Role.AGENT})
ADMINS = frozenset({Role.ADMIN})
# Who may look customers up by their contact details (analysts see them masked only).
CONTACT_READERS = frozenset({Role.ADMIN, Role.MANAGER, Role.AGENT})
# Who may start analytics jobs (segmentation, tagging, discovery).
ANALYSTS = frozenset({Role.ADMIN, Role.MANAGER, Role.ANALYST})


class Allow(BasePermission):
    """Lets through authenticated callers whose role is in ``roles``."""

    error_extensions = {"code": "FORBIDDEN"}  # noqa: RUF012 - Strawberry's class attribute

    def __init__(self, roles: frozenset[Role]) -> None:
        self.roles = roles
        allowed = ", ".join(sorted(role.value for role in roles))
        self.message = f"Forbidden: this needs one of the roles {allowed}."

    async def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        principal = await info.context.require_principal()
        return principal.role in self.roles


def customer_of(principal: Principal) -> ObjectId | None:
    """The customer a CUSTOMER principal is; None for staff."""
    if principal.role is not Role.CUSTOMER:
        return None
    if principal.customer_id is None:  # every CUSTOMER principal names one (tokens.py)
        raise forbidden("This credential names no customer.")
    return ObjectId(principal.customer_id)


async def own_records(info: Info) -> dict[str, Any]:
    """The filter a customer's own lists are held to, whatever their arguments say."""
    customer = customer_of(await info.context.require_principal())
    if customer is None:
        raise forbidden("Only a customer has lists of their own.")
    return {"customerId": customer}


def forbidden(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "FORBIDDEN"})


def allow(roles: frozenset[Role]) -> PermissionExtension:
    """The field extension that declares which roles may resolve a field."""
    return PermissionExtension(permissions=[Allow(roles)], use_directives=False)


def declared_roles(extensions: list[Any]) -> frozenset[Role] | None:
    """The roles a field's extensions allow, or None if it declares no permission."""
    for extension in extensions:
        if isinstance(extension, PermissionExtension):
            for permission in extension.permissions:
                if isinstance(permission, Allow):
                    return permission.roles
    return None


def mask_email(email: str) -> str:
    """``jane@example.com`` -> ``j***@example.com``."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


EMAIL = re.compile(r"[^\s@'\"]+@[^\s@'\"]+")


def mask_emails_in(text: str) -> str:
    """Every email address in a text, masked (an import failure's message names one)."""
    return EMAIL.sub(lambda match: mask_email(match.group()), text)


def mask_author(author: str) -> str:
    """An author is an email or a name: ``j***@example.com``, ``a***``."""
    return mask_email(author) if "@" in author else f"{author[:1]}***"


def mask_phone(phone: str) -> str:
    """Keep a leading country code and the last four digits: ``+86 *** **** 1234``."""
    digits = [c for c in phone if c.isdigit()]
    tail = "".join(digits[-4:])
    if phone.strip().startswith("+"):
        code = phone.strip()[1:].split(" ")[0]
        code = code if code.isdigit() and len(code) <= 3 else ""
        return f"+{code} *** **** {tail}" if code else f"+*** **** {tail}"
    return f"*** **** {tail}"


class MaskFor(FieldExtension):
    """Masks a string field's value for the given roles (analysts see no contact details)."""

    def __init__(self, roles: frozenset[Role], mask: Callable[[str], str]) -> None:
        self.roles = roles
        self.mask = mask

    def _shown(self, value: Any, principal: Principal | None) -> Any:
        if value is None:
            return None
        if principal is None or principal.role in self.roles:
            return self.mask(value)
        return value

    def resolve(self, next_: Callable[..., Any], source: Any, info: Info, **kwargs: Any) -> Any:
        # Operations authenticate before they run; a caller not known yet sees the mask.
        return self._shown(next_(source, info, **kwargs), info.context.known_principal())

    async def resolve_async(
        self, next_: Callable[..., Awaitable[Any]], source: Any, info: Info, **kwargs: Any
    ) -> Any:
        value = await next_(source, info, **kwargs)
        return self._shown(value, await info.context.principal())
