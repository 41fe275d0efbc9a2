"""The MongoDB client of the process: MongoDB at ``CRM_MONGODB_URL``, or the embedded store
(a ``crm db`` process, joined or started; see ``app.core.store``) when no URL is set."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from pymongo import AsyncMongoClient, IndexModel
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import OperationFailure
from pymongo.monitoring import CommandListener

from app.core.settings import Settings
from app.core.store import EmbeddedStore

log = logging.getLogger(__name__)

# IndexOptionsConflict, IndexKeySpecsConflict (and 67, "only one text index per collection").
INDEX_CONFLICTS = frozenset({85, 86, 67})
Document = dict[str, Any]
MongoDatabase = AsyncDatabase[Document]


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
    embedded: EmbeddedStore | None = None

    @classmethod
    async def connect(
        cls, settings: Settings, listeners: Iterable[CommandListener] = ()
    ) -> Database:
        """Connect (starting the embedded server if no URL is set) and ping."""
        embedded = None
        url = settings.mongodb_url
        if url is None:
            embedded = await EmbeddedStore.open(settings.data_file)
            url = embedded.uri
            how = "started" if embedded.started_here else "joined"
            log.info(
                "embedded store (mongoeco, pid %d) %s: %s on 127.0.0.1:%d",
                embedded.record.pid,
                how,
                settings.data_file,
                embedded.record.port,
            )
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
        """Create every declared index; MongoDB makes this a no-op when they exist. An index
        whose declaration changed (same name, other keys or options) is dropped and rebuilt."""
        for repository in repositories:
            if not repository.indexes:
                continue
            collection = self.db[repository.collection_name]
            try:
                await collection.create_indexes(list(repository.indexes))
            except OperationFailure as error:
                if error.code not in INDEX_CONFLICTS:
                    raise
                await self._rebuild_changed(collection, repository.indexes)

    @staticmethod
    async def _rebuild_changed(
        collection: AsyncCollection[Document], indexes: Sequence[IndexModel]
    ) -> None:
        for index in indexes:
            try:
                await collection.create_indexes([index])
            except OperationFailure as error:
                if error.code not in INDEX_CONFLICTS:
                    raise
                name = index.document["name"]
                log.warning("index %s.%s changed; rebuilding it", collection.name, name)
                await collection.drop_index(name)
                await collection.create_indexes([index])

    async def close(self) -> None:
        await self.client.close()
        if self.embedded is not None:
            await self.embedded.close()
