"""The EXPORT job: rows in batches (one cursor in the entity's key order, bounded memory)
into a GridFS file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from gridfs.asynchronous import AsyncGridIn

from app.core.db import Document
from app.exports.files import ExportFiles
from app.exports.rows import ENTITIES, Entity, encode
from app.exports.tokens import sign, signing_key
from app.jobs.context import JobContext, JobFailed
from app.jobs.models import JobKind
from app.jobs.registry import handles

BATCH = 1_000


def download_url(file_id: str, token: str) -> str:
    return f"/exports/{file_id}?token={token}"


async def _write_rows(
    context: JobContext, entity: Entity, stream: AsyncGridIn, masked: bool
) -> tuple[int, int]:
    """Every row of the job's query, a batch at a time: (rows, bytes) written."""
    file_format = context.params["format"]
    collection = context.db[entity.collection]
    query: Document = context.params.get("query") or {}
    # One cursor, read a batch at a time: a keyset query per batch would make the embedded
    # store sort the collection again for each one (measured: 100,000 customers at 420
    # rows/s, against about 1,200/s for 20,000).
    cursor = collection.find(query).sort(entity.key, 1).batch_size(BATCH)
    count = documents = size = 0
    while True:
        docs = await cursor.to_list(BATCH)
        found = await entity.lookups(context.db, docs)
        rows = [row for doc in docs for row in entity.rows(doc, found, masked)]
        data = encode(rows, entity.columns, file_format, header=documents == 0)
        if data:
            await stream.write(data)
        size += len(data)
        count += len(rows)
        documents += len(docs)
        if len(docs) < BATCH:
            return count, size
        await context.progress(documents, None, "writing the file")


@handles(JobKind.EXPORT)
async def run_export(context: JobContext) -> Document:
    params = context.params
    entity, file_format = ENTITIES[params["entity"]], params["format"]
    signing = signing_key(context.settings)
    if signing is None:
        raise JobFailed("NOT_CONFIGURED", "Set CRM_EXPORT_SECRET to sign export links.")
    files = ExportFiles(context.db)
    now = datetime.now(UTC)
    await files.sweep(now)
    expires = now + timedelta(seconds=context.settings.export_ttl)
    masked = params.get("role") == "ANALYST"
    name = f"{params['entity'].lower()}.{file_format.lower()}"
    metadata = {"expiresAt": expires, "jobId": context.job["_id"], "format": file_format}
    file_id, (count, size) = await files.upload(
        name, metadata, lambda stream: _write_rows(context, entity, stream, masked)
    )
    return {
        "entity": params["entity"],
        "format": file_format,
        "rows": count,
        "bytes": size,
        "expiresAt": expires,
        "fileId": file_id,
        "url": download_url(file_id, sign(signing, file_id, expires)),
    }
