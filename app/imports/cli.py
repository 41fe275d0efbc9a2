"""``crm import ENTITY FILE``: the IMPORT job from the command line, with a progress bar."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from tqdm import tqdm

from app.core.db import Document, MongoDatabase
from app.core.settings import Settings
from app.imports.files import ImportFiles
from app.jobs.context import Handler
from app.jobs.models import TERMINAL, JobKind, JobStatus
from app.jobs.repository import JobRepository
from app.jobs.worker import Worker

FORMATS = {".csv": "CSV", ".jsonl": "JSONL", ".ndjson": "JSONL"}


def format_of(path: Path, given: str | None) -> str | None:
    return given or FORMATS.get(path.suffix.lower())


async def import_file(
    db: MongoDatabase,
    settings: Settings,
    handlers: Mapping[JobKind, Handler],
    entity: str,
    path: Path,
    file_format: str,
) -> Document:
    """Store the file, enqueue the job, and work the queue here until that job ends."""
    data = await asyncio.to_thread(path.read_bytes)
    file_id = await ImportFiles(db).put(path.name, data)
    queue = JobRepository(db)
    params = {"entity": entity, "format": file_format, "fileId": file_id, "filename": path.name}
    job = await queue.enqueue(JobKind.IMPORT, params, datetime.now(UTC))
    stop = asyncio.Event()
    worker = asyncio.create_task(Worker(db, settings, handlers).run(stop))
    try:
        with tqdm(desc=f"importing {path.name}", unit="row") as bar:
            while True:
                current = await queue.get(job["_id"])
                assert current is not None
                progress = current["progress"]
                bar.total = progress.get("total")
                bar.n = progress.get("done", 0)
                bar.refresh()
                if JobStatus(current["status"]) in TERMINAL:
                    return current
                await asyncio.sleep(0.2)
    finally:
        stop.set()
        await worker
