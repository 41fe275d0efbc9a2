"""A single point in time to copy from.

- MongoDB replica set: a snapshot session (``readConcern: snapshot``), every read at one
  cluster time. The server keeps that history for ``minSnapshotHistoryWindowInSeconds``
  (300 s by default): a backup that takes longer fails with ``SnapshotTooOld``; use
  ``mongodump --oplog`` or a storage snapshot for stores that large.
- A standalone MongoDB has no snapshot reads: the copy is collection by collection (said in
  the manifest). Stop writers first, or use a replica set.
- Embedded store on a file: SQLite's online backup copies the data file as of one committed
  transaction while writers go on (the store runs in WAL mode); a store process of our own
  serves the copy, and the backup reads from it.
- Embedded store in memory: no snapshot; said in the manifest.
"""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pymongo import AsyncMongoClient
from pymongo.asynchronous.client_session import AsyncClientSession

from app.core.db import Document, MongoDatabase
from app.core.store import MEMORY, EmbeddedStore


@dataclass
class Source:
    db: MongoDatabase
    session: AsyncClientSession | None
    engine: str
    consistency: str


def _copy_sqlite(source: str, target: Path) -> None:
    origin = sqlite3.connect(Path(source).resolve().as_uri() + "?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        origin.backup(copy)  # one read transaction: the file as of one commit
    finally:
        copy.close()
        origin.close()


@asynccontextmanager
async def consistent(
    client: AsyncMongoClient[Document], name: str, data_file: str | None
) -> AsyncIterator[Source]:
    """``data_file``: the embedded store's file, None on MongoDB."""
    if data_file is None:
        async for source in _mongodb(client, name):
            yield source
        return
    if data_file == MEMORY:
        yield Source(client[name], None, "embedded", "none: an in-memory store has no snapshot")
        return
    with tempfile.TemporaryDirectory(prefix="crm-backup-") as folder:
        copy = Path(folder) / "snapshot.sqlite"
        await asyncio.to_thread(_copy_sqlite, data_file, copy)
        store = await EmbeddedStore.open(str(copy))
        reader: AsyncMongoClient[Document] = AsyncMongoClient(store.uri, tz_aware=True)
        try:
            yield Source(reader[name], None, "embedded", "snapshot: SQLite online backup")
        finally:
            await reader.close()
            await store.close()


async def _mongodb(client: AsyncMongoClient[Document], name: str) -> AsyncIterator[Source]:
    hello: dict[str, Any] = await client.admin.command("hello")
    if "setName" not in hello:
        yield Source(
            client[name], None, "mongodb", "none: a standalone server has no snapshot reads"
        )
        return
    async with client.start_session(snapshot=True) as session:
        yield Source(client[name], session, "mongodb", "snapshot: readConcern snapshot")
