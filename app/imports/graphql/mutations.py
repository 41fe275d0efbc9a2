"""``importData``: upload a CSV or JSON Lines file and start an IMPORT job."""

from __future__ import annotations

import hashlib
from typing import Any

import strawberry

from app.core.errors import ErrorCode, InputError
from app.graphql.context import Info
from app.graphql.mutations import Idempotent
from app.graphql.payloads import refused
from app.graphql.permissions import CRM_WRITERS, allow
from app.imports.files import ImportFiles
from app.imports.graphql.inputs import ImportDataInput
from app.jobs.graphql.mutations import JobPayload, start_job
from app.jobs.models import JobKind


async def read_upload(upload: Any, limit: int) -> bytes:
    """The uploaded bytes, refusing files over ``limit``."""
    if not hasattr(upload, "read"):
        raise InputError.one("file", ErrorCode.REQUIRED, "Send the file as a multipart upload.")
    try:
        data = await upload.read(limit + 1)
    finally:
        await upload.close()
    if not isinstance(data, bytes):
        raise InputError.one("file", ErrorCode.INVALID, "The upload is not a file.")
    if len(data) > limit:
        raise InputError.one(
            "file", ErrorCode.OUT_OF_RANGE, f"Files are limited to {limit:,} bytes."
        )
    return data


async def enqueue_import(
    info: Info, entity: str, file_format: str, filename: str, data: bytes, key: str | None
) -> JobPayload:
    """The IMPORT job of a file; a repeat of the key with the same file returns the first."""

    async def params() -> dict[str, Any]:
        file_id = await info.context.get(ImportFiles).put(filename, data)
        return {"entity": entity, "format": file_format, "fileId": file_id, "filename": filename}

    digest = hashlib.sha256(data).hexdigest()
    same = Idempotent(key, {"entity": entity, "format": file_format, "sha256": digest})
    return await start_job(info, JobKind.IMPORT, params, same)


@strawberry.type
class ImportMutation:
    @strawberry.mutation(
        description="Import a file; rows upsert by natural key. Returns the job to follow.",
        extensions=[allow(CRM_WRITERS)],
    )
    async def import_data(self, info: Info, input: ImportDataInput) -> JobPayload:
        try:
            data = await read_upload(input.file, info.context.settings.max_upload_bytes)
        except InputError as error:
            return refused(JobPayload, "job", error)
        filename = str(getattr(input.file, "filename", None) or "upload")[:200]
        return await enqueue_import(
            info, input.entity.value, input.format.value, filename, data, input.idempotency_key
        )
