"""``auditLog``: the trail of successful mutations, for admins."""

from __future__ import annotations

import strawberry

from app.audit.graphql.inputs import AuditLogFilter
from app.audit.graphql.types import AuditEntry
from app.audit.repository import AuditRepository
from app.graphql.connections import connection_field
from app.graphql.permissions import ADMINS


@strawberry.type
class AuditQuery:
    audit_log = connection_field(
        AuditEntry,
        AuditRepository,
        filter=AuditLogFilter,
        roles=ADMINS,
        description="Successful mutations, newest first.",
    )
