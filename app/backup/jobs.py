"""The BACKUP job (``startBackup``, or the schedule), and the schedule every worker keeps:
with ``CRM_BACKUP_DIR`` and ``CRM_BACKUP_EVERY`` set, one BACKUP job per period, whichever
process queues it first (the job's ID is the period's), the newest ``CRM_BACKUP_KEEP``
scheduled archives kept."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from datetime import UTC, datetime
from pathlib import Path

from bson import ObjectId
from pymongo.errors import DuplicateKeyError

from app.backup.service import backup, default_path
from app.core.db import Document, MongoDatabase
from app.core.settings import Settings
from app.jobs.context import JobContext, JobFailed
from app.jobs.models import JobKind, new_job
from app.jobs.registry import handles

log = logging.getLogger(__name__)

UNITS = {"m": 60, "h": 3600, "d": 86_400}
CHECK_SECONDS = 60.0
PATTERN = "crm-*.tar.gz"


def period_seconds(every: str) -> int:
    return int(every[:-1]) * UNITS[every[-1]]


def scheduled_job_id(period: int) -> ObjectId:
    return ObjectId(hashlib.sha256(f"backup:{period}".encode()).digest()[:12])


def prune(folder: Path, keep: int) -> list[str]:
    """Delete all but the newest ``keep`` archives of ours in ``folder``; their names."""
    archives = sorted(folder.glob(PATTERN))
    gone = archives[: max(len(archives) - keep, 0)]
    for path in gone:
        path.unlink(missing_ok=True)
    return [path.name for path in gone]


@handles(JobKind.BACKUP)
async def run_backup_job(context: JobContext) -> Document:
    settings = context.settings
    if settings.backup_dir is None:
        raise JobFailed("NOT_CONFIGURED", "Set CRM_BACKUP_DIR where the workers run.")
    folder = Path(settings.backup_dir)
    await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
    await context.progress(0, None, "writing the archive")
    written = await backup(context.db.client, settings, default_path(folder))
    pruned = await asyncio.to_thread(prune, folder, settings.backup_keep)
    await context.progress(written.documents, written.documents, "written")
    return {
        "path": str(written.path),
        "documents": written.documents,
        "bytes": written.bytes,
        "collections": len(written.collections),
        "consistency": written.consistency,
        "seconds": written.seconds,
        "pruned": pruned,
    }


class BackupSchedule:
    """Queues the period's BACKUP job when it is due (a no-op without the settings)."""

    def __init__(self, db: MongoDatabase, settings: Settings) -> None:
        self.jobs = db["jobs"]
        self.settings = settings

    async def run(self, stop: asyncio.Event) -> None:
        if self.settings.backup_dir is None or self.settings.backup_every is None:
            return
        while not stop.is_set():
            try:
                await self.run_once(datetime.now(UTC))
            except Exception:
                log.exception("queueing the scheduled backup failed; trying again")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), CHECK_SECONDS)

    async def run_once(self, now: datetime) -> bool:
        """True if this call queued the current period's backup."""
        assert self.settings.backup_every is not None
        seconds = period_seconds(self.settings.backup_every)
        period = int(now.timestamp()) // seconds
        job = new_job(JobKind.BACKUP, {"scheduled": True, "period": period}, now)
        job["_id"] = scheduled_job_id(period)
        try:
            await self.jobs.insert_one(job)
        except DuplicateKeyError:
            return False
        log.info("scheduled backup queued (every %s)", self.settings.backup_every)
        return True
