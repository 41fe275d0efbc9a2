"""The EXPORT job: rows in batches (keyset over ``_id``, bounded memory) into a GridFS file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bson import ObjectId

from app.core.db import Document
from app.exports.files import ExportFiles
from app.exports.rows import ENTITIES, encode
from app.exports.tokens import sign, signing_key
from app.jobs.context import JobContext, JobFailed
from app.jobs.models import JobKind
from app.jobs.registry import handles

BATCH = 1_000


def download_url(file_id: str, token: str) -> str:
    return f"/exports/{file_id}?token={token}"


@handles(JobKind.EXPORT)
async def run_export(context: JobContext) -> Document:
    params = context.params
    entity, file_format = ENTITIES[params["entity"]], params["format"]
    key = signing_key(context.settings)
    if key is None:
        raise JobFailed("NOT_CONFIGURED", "Set CRM_EXPORT_SECRET to sign export links.")
    files = ExportFiles(context.db)
    now = datetime.now(UTC)
    await files.sweep(now)
    expires = now + timedelta(seconds=context.settings.export_ttl)
    masked = params.get("role") == "ANALYST"
    name = f"{params['entity'].lower()}.{file_format.lower()}"
    metadata = {"expiresAt": expires, "jobId": context.job["_id"], "format": file_format}
    upload = files.bucket.open_upload_stream(name, metadata=metadata)
    collection = context.db[entity.collection]
    query: Document = params.get("query") or {}
    last: ObjectId | None = None
    count = size = 0
    try:
        while True:
            page = query if last is None else {"$and": [query, {"_id": {"$gt": last}}]}
            docs = await collection.find(page).sort("_id", 1).limit(BATCH).to_list(BATCH)
            if not docs and count:
                break
            data = encode(
                [entity.row(d, masked) for d in docs],
                entity.columns,
                file_format,
                header=count == 0,
            )
            await upload.write(data)
            size += len(data)
            count += len(docs)
            if not docs:
                break
            last = docs[-1]["_id"]
            await context.progress(count, None, "writing the file")
        await upload.close()
    except BaseException:
        await upload.abort()
        raise
    file_id = str(upload._id)
    return {
        "entity": params["entity"],
        "format": file_format,
        "rows": count,
        "bytes": size,
        "expiresAt": expires,
        "fileId": file_id,
        "url": download_url(file_id, sign(key, file_id, expires)),
    }
