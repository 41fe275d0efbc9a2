"""The MongoDB client of the process, and the embedded mongoeco server used when no URL is set.

The embedded server runs on its own thread and event loop: mongoeco executes queries in Python,
and on the API's loop that work would stall every request. Its data belongs to this process.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from pymongo import AsyncMongoClient, IndexModel
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.monitoring import CommandListener

from app.settings import Settings

log = logging.getLogger(__name__)

Document = dict[str, Any]
MongoDatabase = AsyncDatabase[Document]


class EmbeddedServer:
    """A mongoeco wire server on a private thread; ``start`` returns its mongodb:// URI."""

    def __init__(self, data_file: str) -> None:
        self._data_file = data_file
        self._ready: concurrent.futures.Future[str] = concurrent.futures.Future()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, name="mongoeco-server", daemon=True)

    def start(self) -> str:
        self._thread.start()
        return self._ready.result(timeout=30)

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=10)

    def _engine(self) -> Any:
        from mongoeco.engines.memory import MemoryEngine
        from mongoeco.engines.sqlite import SQLiteEngine

        if self._data_file == ":memory:":
            return MemoryEngine()
        Path(self._data_file).parent.mkdir(parents=True, exist_ok=True)
        return SQLiteEngine(self._data_file)

    def _run(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as error:
            if not self._ready.done():
                self._ready.set_exception(error)
            else:
                log.exception("embedded MongoDB server stopped with an error")

    async def _serve(self) -> None:
        from mongoeco.wire.proxy import AsyncMongoEcoProxyServer

        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        proxy = AsyncMongoEcoProxyServer(engine=self._engine(), host="127.0.0.1", port=0)
        await proxy.start()
        try:
            self._ready.set_result(proxy.address.uri)
            await self._stop.wait()
        finally:
            await proxy.close()


class HasIndexes(Protocol):
    """A repository class: it names its collection and the indexes its queries need."""

    @property
    def collection_name(self) -> str: ...

    @property
    def indexes(self) -> Sequence[IndexModel]: ...


@dataclass
class Database:
    """One client per process, its database, and the embedded server when there is one."""

    client: AsyncMongoClient[Document]
    db: MongoDatabase
    embedded: EmbeddedServer | None = None

    @classmethod
    async def connect(
        cls, settings: Settings, listeners: Iterable[CommandListener] = ()
    ) -> Database:
        """Connect (starting the embedded server if no URL is set) and ping."""
        embedded = None
        url = settings.mongodb_url
        if url is None:
            embedded = EmbeddedServer(settings.data_file)
            url = embedded.start()
            log.info("embedded MongoDB (mongoeco) at %s, data in %s", url, settings.data_file)
        client: AsyncMongoClient[Document] = AsyncMongoClient(
            url, tz_aware=True, serverSelectionTimeoutMS=5000, event_listeners=list(listeners)
        )
        database = cls(client=client, db=client[settings.database], embedded=embedded)
        try:
            await database.ping()
        except BaseException:
            await database.close()
            raise
        return database

    async def ping(self) -> None:
        await self.db.command("ping")

    async def ensure_indexes(self, repositories: Iterable[HasIndexes]) -> None:
        """Create every declared index; MongoDB makes this a no-op when they exist."""
        for repository in repositories:
            if repository.indexes:
                await self.db[repository.collection_name].create_indexes(list(repository.indexes))

    async def close(self) -> None:
        await self.client.close()
        if self.embedded is not None:
            self.embedded.stop()
