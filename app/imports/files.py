"""Uploaded files, kept in GridFS until their import job has run."""

from __future__ import annotations

from bson import ObjectId
from gridfs.asynchronous import AsyncGridFSBucket

from app.db import MongoDatabase

BUCKET = "imports"


class ImportFiles:
    """The ``imports.files`` / ``imports.chunks`` collections; the GridFS driver creates the
    indexes it reads by on first upload."""

    def __init__(self, db: MongoDatabase) -> None:
        self.bucket = AsyncGridFSBucket(db, bucket_name=BUCKET)

    async def put(self, filename: str, data: bytes) -> ObjectId:
        file_id: ObjectId = await self.bucket.upload_from_stream(filename, data)
        return file_id

    async def get(self, file_id: ObjectId) -> bytes:
        stream = await self.bucket.open_download_stream(file_id)
        data: bytes = await stream.read()
        return data
