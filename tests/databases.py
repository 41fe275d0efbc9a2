"""The test database: built once per session (every index, the default taxonomy), and reset
after each test by emptying only what the test wrote.

Building a database costs a createIndexes per collection and the taxonomy's insert; most tests
write to two or three collections. A listener on every client of the test process notes which
collections each command wrote or restructured; after the test those are emptied (the tags
refilled), collections the template does not have are dropped, and a changed index (or a
test that let another process write, which no listener sees) rebuilds the whole database.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from pymongo import AsyncMongoClient
from pymongo.monitoring import (
    CommandFailedEvent,
    CommandListener,
    CommandStartedEvent,
    CommandSucceededEvent,
)

from app.core.db import Database
from app.repositories import REPOSITORIES
from app.tagging.repository import TagRepository

WRITES = frozenset({"insert", "update", "delete", "findAndModify"})
RESTRUCTURES = frozenset(
    {"create", "drop", "createIndexes", "dropIndexes", "collMod", "renameCollection"}
)
EVERYTHING = "*"


class Touched(CommandListener):
    """Per database: the collections written to, and those whose structure may have changed."""

    def __init__(self) -> None:
        self.written: defaultdict[str, set[str]] = defaultdict(set)
        self.restructured: defaultdict[str, set[str]] = defaultdict(set)

    def started(self, event: CommandStartedEvent) -> None:
        name, database = event.command_name, event.database_name
        if name in WRITES:
            self.written[database].add(str(event.command[name]))
        elif name in RESTRUCTURES:
            self.restructured[database].add(str(event.command[name]))
        elif name == "dropDatabase":
            self.restructured[database].add(EVERYTHING)

    def succeeded(self, event: CommandSucceededEvent) -> None:
        pass

    def failed(self, event: CommandFailedEvent) -> None:
        pass

    def take(self, database: str) -> tuple[set[str], set[str]]:
        return self.written.pop(database, set()), self.restructured.pop(database, set())


class Template:
    """The session's database, as every test starts with it."""

    def __init__(self, client: AsyncMongoClient[Any], name: str, touched: Touched) -> None:
        self.database = Database(client=client, db=client[name])
        self.touched = touched
        self.indexes: dict[str, list[dict[str, Any]]] = {}

    async def build(self) -> None:
        await self.database.client.drop_database(self.database.db.name)
        await self.database.ensure_indexes(REPOSITORIES)
        await TagRepository(self.database.db).ensure_defaults(datetime.now(UTC))
        names = await self.database.db.list_collection_names()
        self.indexes = {name: await self._indexes(name) for name in names}
        self.touched.take(self.database.db.name)

    async def reset(self, *, everything: bool = False) -> None:
        """Back to the template: empty what was written, or rebuild if that cannot do."""
        db = self.database.db
        written, restructured = self.touched.take(db.name)
        if everything or EVERYTHING in restructured:
            await self.build()
            return
        for name in restructured & self.indexes.keys():
            if await self._indexes(name) != self.indexes[name]:
                await self.build()
                return
        for name in sorted(written | restructured):
            if name not in self.indexes:
                await db.drop_collection(name)
            elif name in written:
                await db[name].delete_many({})
        if TagRepository.collection_name in written:
            await TagRepository(db).ensure_defaults(datetime.now(UTC))
        self.touched.take(db.name)  # the reset's own commands

    async def _indexes(self, collection: str) -> list[dict[str, Any]]:
        specs = [
            {key: value for key, value in index.items() if key != "ns"}
            async for index in await self.database.db[collection].list_indexes()
        ]
        return sorted(specs, key=lambda spec: str(spec["name"]))
