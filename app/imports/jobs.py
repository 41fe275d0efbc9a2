"""The IMPORT job: read the uploaded file, import its rows, delete the file."""

from __future__ import annotations

from datetime import UTC, datetime

from gridfs.errors import NoFile

from app.core.cpu import run_cpu
from app.core.db import Document
from app.imports.campaign_events import CampaignEventImporter
from app.imports.files import ImportFiles
from app.imports.importers import IMPORTERS, Importer, Tally
from app.imports.parsing import InvalidFile, read_rows
from app.jobs.context import JobContext, JobFailed
from app.jobs.models import JobKind
from app.jobs.registry import handles

ENTITIES: dict[str, type[Importer]] = {**IMPORTERS, "CAMPAIGN_EVENTS": CampaignEventImporter}


@handles(JobKind.IMPORT)
async def run_import(context: JobContext) -> Document:
    params = context.params
    entity, file_format = params["entity"], params["format"]
    files = ImportFiles(context.db)
    await files.sweep(datetime.now(UTC))
    try:
        data = await files.get(params["fileId"])
    except NoFile:
        raise JobFailed("FILE_MISSING", "The uploaded file is gone; upload it again.") from None
    await context.progress(0, None, "reading the file")
    try:
        rows = await run_cpu(read_rows, data, file_format, entity)
    except InvalidFile as error:
        await files.delete(params["fileId"])
        raise JobFailed("INVALID_FILE", str(error)) from None
    tally = Tally()
    await ENTITIES[entity](context.db).run(rows, context, tally)
    await files.delete(params["fileId"])
    return {
        "entity": entity,
        "imported": tally.imported,
        "updated": tally.updated,
        "failed": tally.failed,
        "failures": tally.failures,
    }
