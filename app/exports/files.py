"""Export files in GridFS (bucket ``exports``), each with its expiry in metadata."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime

from bson import ObjectId
from gridfs.asynchronous import AsyncGridFSBucket, AsyncGridIn
from gridfs.errors import NoFile
from pymongo import ASCENDING, IndexModel

from app.core.db import Document, MongoDatabase

BUCKET = "exports"
CHUNK = 255 * 1024


class ExportFiles:
    """The ``exports.files`` / ``exports.chunks`` collections; the sweep reads expired files
    by ``metadata.expiresAt``, an erase a customer's data exports by ``metadata.customerId``."""

    collection_name = "exports.files"
    indexes = (
        IndexModel([("metadata.expiresAt", ASCENDING)], name="expiresAt"),
        IndexModel([("metadata.customerId", ASCENDING)], name="customerId", sparse=True),
    )

    def __init__(self, db: MongoDatabase) -> None:
        self.bucket = AsyncGridFSBucket(db, bucket_name=BUCKET, chunk_size_bytes=CHUNK)
        self.files = db[self.collection_name]

    async def upload[T](
        self, filename: str, metadata: Document, write: Callable[[AsyncGridIn], Awaitable[T]]
    ) -> tuple[str, T]:
        """A new file written by ``write(stream)``: its ID and what ``write`` returned. If
        ``write`` fails, the chunks written so far are deleted."""
        stream = self.bucket.open_upload_stream(filename, metadata=metadata)
        try:
            result = await write(stream)
            await stream.close()
        except BaseException:
            await stream.abort()
            raise
        return str(stream._id), result

    async def info(self, file_id: ObjectId) -> Document | None:
        document: Document | None = await self.files.find_one({"_id": file_id})
        return document

    async def stream(self, file_id: ObjectId) -> AsyncIterator[bytes]:
        """The file's bytes, one GridFS chunk at a time."""
        download = await self.bucket.open_download_stream(file_id)
        try:
            while chunk := await download.readchunk():
                yield chunk
        finally:
            await download.close()

    async def delete(self, file_id: ObjectId) -> None:
        with contextlib.suppress(NoFile):
            await self.bucket.delete(file_id)

    async def delete_of_customer(self, customer_id: ObjectId) -> int:
        """Delete the customer's data exports; returns how many."""
        cursor = self.files.find({"metadata.customerId": customer_id}, {"_id": 1})
        ids = [doc["_id"] async for doc in cursor]
        for file_id in ids:
            await self.delete(file_id)
        return len(ids)

    async def sweep(self, now: datetime) -> int:
        """Delete expired files (at most 100 per call); returns how many."""
        cursor = self.files.find({"metadata.expiresAt": {"$lt": now}}, {"_id": 1})
        old = [doc["_id"] async for doc in cursor.limit(100)]
        for file_id in old:
            await self.delete(file_id)
        return len(old)
