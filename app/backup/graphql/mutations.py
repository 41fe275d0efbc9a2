"""``startBackup``: a BACKUP job now (administrators)."""

from __future__ import annotations

import strawberry

from app.backup.graphql.types import BackupResult
from app.core.errors import ErrorCode, InputError
from app.graphql.context import Info
from app.graphql.mutations import Idempotent
from app.graphql.payloads import refused
from app.graphql.permissions import ADMINS, allow
from app.jobs.graphql.mutations import JobPayload, start_job
from app.jobs.models import JobKind

__all__ = ["BackupMutation", "BackupResult"]


@strawberry.type
class BackupMutation:
    @strawberry.mutation(
        extensions=[allow(ADMINS)],
        description="Write an archive of the whole database into CRM_BACKUP_DIR (a BACKUP job; "
        "its result names the file).",
    )
    async def start_backup(self, info: Info, idempotency_key: str | None = None) -> JobPayload:
        if info.context.settings.backup_dir is None:
            error = InputError.one(
                None, ErrorCode.INVALID, "Backups need CRM_BACKUP_DIR (where workers write)."
            )
            return refused(JobPayload, "job", error)
        return await start_job(info, JobKind.BACKUP, {}, Idempotent(idempotency_key, {}))
