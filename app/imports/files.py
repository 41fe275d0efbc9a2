"""Uploaded files, kept in GridFS until their import job ends (and never longer than a day)."""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta

from bson import ObjectId
from gridfs.asynchronous import AsyncGridFSBucket
from gridfs.errors import NoFile
from pymongo import ASCENDING, IndexModel

from app.core.db import MongoDatabase

BUCKET = "imports"
# No import job waits this long for its file: retries back off for minutes, not days.
KEEP_AT_MOST = timedelta(days=1)


class ImportFiles:
    """The ``imports.files`` / ``imports.chunks`` collections. The GridFS driver creates the
    indexes it reads by on first upload; the sweep of old files needs ``uploadDate``."""

    collection_name = "imports.files"
    indexes = (IndexModel([("uploadDate", ASCENDING)], name="uploadDate"),)

    def __init__(self, db: MongoDatabase) -> None:
        self.bucket = AsyncGridFSBucket(db, bucket_name=BUCKET)
        self.files = db[self.collection_name]

    async def put(self, filename: str, data: bytes) -> ObjectId:
        file_id: ObjectId = await self.bucket.upload_from_stream(filename, data)
        return file_id

    async def get(self, file_id: ObjectId) -> bytes:
        stream = await self.bucket.open_download_stream(file_id)
        data: bytes = await stream.read()
        return data

    async def delete(self, file_id: ObjectId) -> None:
        with contextlib.suppress(NoFile):  # deleted already (a retried job, or the sweep)
            await self.bucket.delete(file_id)

    async def sweep(self, now: datetime) -> int:
        """Delete files older than ``KEEP_AT_MOST`` (their jobs ended long ago, or died with
        their worker); returns how many."""
        cursor = self.files.find({"uploadDate": {"$lt": now - KEEP_AT_MOST}}, {"_id": 1})
        old = [doc["_id"] async for doc in cursor.limit(100)]
        for file_id in old:
            await self.delete(file_id)
        return len(old)
