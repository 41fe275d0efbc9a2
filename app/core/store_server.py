"""The embedded store's server process (``crm db``): mongoeco's wire server on a loopback port.

One process serves one data file, and every ``crm`` command of the machine talks to it through
the MongoDB driver, as it would to a real server; its database work never runs in an API
process. ``crm serve`` starts one when none is running (and stops it on exit); ``crm db`` runs
one in the foreground.

mongoeco answers the wire ``insert`` command by inserting its documents one at a time, and each
single insert scans the whole collection (see the README's "Embedded store" section). Its own
``insert_many`` takes a batch path without that scan, so the server routes ``insert`` commands
there, through the public client and database API that the wire server is built on. Its
SQLite engine answers ``$in`` by scanning the collection, so a find that is one ``$in`` on a
unique field (``_id``, an email, a number) runs as one indexed lookup per value, through the
same API.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import re
import secrets
import signal
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.core.store import MEMORY, StoreBusy, StoreFiles, StoreRecord

log = logging.getLogger(__name__)

DRAIN_SECONDS = 5.0
PARENT_CHECK_SECONDS = 0.5
USER = "crm"
WRITE_ERROR_FIELDS = ("index", "code", "errmsg", "keyPattern", "keyValue")
# mongoeco refuses a blocking aggregation stage ($group, $sort) over more documents than its
# materialization limit unless it may spill; MongoDB 6.0+ spills by default
# (allowDiskUseByDefault). So the store spills past SPILL_THRESHOLD, as MongoDB would.
MATERIALIZATION_LIMIT = 50_000
SPILL_THRESHOLD = 20_000


class _Activity:
    """Counts commands in progress, so shutdown can wait for writes to finish."""

    def __init__(self) -> None:
        self.running = 0
        self.idle = asyncio.Event()
        self.idle.set()

    @contextlib.contextmanager
    def command(self) -> Any:
        self.running += 1
        self.idle.clear()
        try:
            yield
        finally:
            self.running -= 1
            if self.running == 0:
                self.idle.set()


def _write_result(inserted: int, details: Mapping[str, Any] | None) -> dict[str, Any]:
    """The reply MongoDB gives to an ``insert`` command: ``n`` and any write errors."""
    reply: dict[str, Any] = {"n": inserted, "ok": 1.0}
    if details and details.get("writeErrors"):
        reply["writeErrors"] = [
            {key: error[key] for key in WRITE_ERROR_FIELDS if key in error}
            for error in details["writeErrors"]
        ]
    return reply


class _UniqueFields:
    """Which fields of each collection have a unique single-field index (``_id`` always). This
    process alone writes the data file (it holds its lock), so what it saw is current: index
    commands passing through it clear the cache."""

    INDEX_COMMANDS = frozenset({"createIndexes", "dropIndexes", "drop", "dropDatabase"})

    def __init__(self) -> None:
        self._fields: dict[tuple[str, str], frozenset[str]] = {}

    async def of(self, database: Any, collection: str) -> frozenset[str]:
        key = (database.name, collection)
        if key not in self._fields:
            information = await database.get_collection(collection).index_information()
            self._fields[key] = frozenset(
                {"_id"}
                | {
                    index["key"][0][0]
                    for index in information.values()
                    if index.get("unique")
                    and len(index["key"]) == 1
                    and not index.get("sparse")
                    and "partialFilterExpression" not in index
                }
            )
        return self._fields[key]

    def forget(self) -> None:
        self._fields.clear()


class _Database:
    """A mongoeco database whose wire ``insert`` commands take the batch insert path."""

    def __init__(self, database: Any, activity: _Activity, unique: _UniqueFields) -> None:
        self._database = database
        self._activity = activity
        self._unique = unique

    def __getattr__(self, name: str) -> Any:
        return getattr(self._database, name)

    async def command(self, command: Any, *, session: Any = None, **kwargs: Any) -> Any:
        with self._activity.command():
            name = next(iter(command), None) if isinstance(command, Mapping) else None
            if name == "insert":
                return await self._insert(command, session, kwargs)
            if name in _UniqueFields.INDEX_COMMANDS:
                self._unique.forget()
            if name == "find" and (in_list := single_in(command)) is not None:
                field, values = in_list
                if field in await self._unique.of(self._database, command["find"]):
                    return await self._find_each(command, field, values, session)
            return await self._database.command(command, session=session, **kwargs)

    async def _find_each(
        self, command: Mapping[str, Any], field: str, values: list[Any], session: Any
    ) -> dict[str, Any]:
        """``{field: {$in: values}}`` on a unique ``field`` as one ``find_one`` per value.
        mongoeco's SQLite engine answers ``$in`` (and any find but a ``find_one``) by scanning
        the collection, while ``find_one`` on an indexed equality reads the index; with a
        unique field, the union of those is the same set."""
        collection = self._database.get_collection(command["find"])
        projection = command.get("projection") or None
        found: dict[str, Any] = {}
        for value in _distinct(values):
            document = await collection.find_one({field: value}, projection, session=session)
            if document is not None:
                found.setdefault(_identity(document["_id"]), document)
        namespace = f"{self._database.name}.{command['find']}"
        return {"cursor": {"id": 0, "ns": namespace, "firstBatch": list(found.values())}, "ok": 1.0}

    async def _insert(self, command: Mapping[str, Any], session: Any, kwargs: Any) -> Any:
        from mongoeco.errors import BulkWriteError

        documents = command.get("documents")
        ordered = command.get("ordered", True)
        if not isinstance(documents, list) or not documents or not isinstance(ordered, bool):
            # Malformed: let mongoeco's own command handler word the error.
            return await self._database.command(command, session=session, **kwargs)
        collection = self._database.get_collection(command["insert"])
        try:
            result = await collection.insert_many(
                documents,
                ordered=ordered,
                bypass_document_validation=bool(command.get("bypassDocumentValidation", False)),
                session=session,
            )
        except BulkWriteError as error:
            details: dict[str, Any] = getattr(error, "details", None) or {}
            return _write_result(details.get("nInserted", 0), details)
        return _write_result(len(result.inserted_ids), None)


# Options of a find command that the per-value rewrite leaves as they are (everything that
# changes which documents come back, or in what order, keeps the native path).
_PLAIN_FIND = frozenset(
    {"find", "filter", "projection", "batchSize", "singleBatch", "lsid", "$db", "readConcern",
     "comment", "$readPreference", "maxTimeMS", "txnNumber", "autocommit", "startTransaction"}
)  # fmt: skip
_MAX_VALUES = 1000


def single_in(command: Mapping[str, Any]) -> tuple[str, list[Any]] | None:
    """``(field, values)`` when the find is exactly ``{field: {$in: values}}``, with nothing
    that orders, limits or reshapes the result (a projection that keeps ``_id`` is fine)."""
    if not set(command) <= _PLAIN_FIND:
        return None
    query = command.get("filter")
    if not isinstance(query, Mapping) or len(query) != 1:
        return None
    field, condition = next(iter(query.items()))
    if field.startswith("$") or not isinstance(condition, Mapping) or list(condition) != ["$in"]:
        return None
    values = condition["$in"]
    if not isinstance(values, list) or not 0 < len(values) <= _MAX_VALUES:
        return None
    if not all(_matches_one_value(value) for value in values):
        return None
    projection = command.get("projection")
    if projection and projection.get("_id") in (0, False):
        return None
    return field, values


def _matches_one_value(value: Any) -> bool:
    """Whether ``{f: value}`` matches only documents whose ``f`` equals ``value``: not a
    document (its "$" keys would read as operators), a regex (it matches many), an array (it
    also matches arrays holding it), or null (it matches every document without ``f``)."""
    return not (
        value is None
        or isinstance(value, (Mapping, list, tuple, re.Pattern))
        or type(value).__name__ == "Regex"  # bson's, or mongoeco's own
    )


def _identity(value: Any) -> str:
    """A key that tells values apart by type and content (values here are mongoeco's own
    BSON types, which need not be hashable)."""
    return f"{type(value).__qualname__}:{value!r}"


def _distinct(values: list[Any]) -> list[Any]:
    return list({_identity(value): value for value in values}.values())


def _client(engine: Any, activity: _Activity) -> Any:
    from mongoeco.api import AsyncMongoClient

    unique = _UniqueFields()

    class Client(AsyncMongoClient):
        def get_database(self, name: str, **options: Any) -> Any:
            return _Database(super().get_database(name, **options), activity, unique)

    return Client(engine)


def _engine(
    data_file: str,
    *,
    materialization_limit: int = MATERIALIZATION_LIMIT,
    spill_threshold: int | None = SPILL_THRESHOLD,
) -> Any:
    from mongoeco.engines.memory import MemoryEngine
    from mongoeco.engines.sqlite import SQLiteEngine

    if data_file == MEMORY:
        return MemoryEngine(
            aggregation_materialization_limit=materialization_limit,
            aggregation_spill_threshold=spill_threshold,
        )
    Path(data_file).parent.mkdir(parents=True, exist_ok=True)
    return SQLiteEngine(
        data_file,
        aggregation_materialization_limit=materialization_limit,
        aggregation_spill_threshold=spill_threshold,
    )


async def serve(data_file: str, port: int, *, stop_with_parent: bool) -> None:
    """Serve ``data_file`` until SIGTERM/SIGINT (or the parent process ends, if asked).

    The first line on stdout is the store's record as JSON, once it accepts connections;
    ``StoreBusy`` if another process serves the file already.
    """
    from mongoeco.wire.auth import WireAuthUser
    from mongoeco.wire.proxy import AsyncMongoEcoProxyServer

    files = None if data_file == MEMORY else StoreFiles(data_file)
    if files is not None:
        files.lock()  # StoreBusy when another process holds it
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    activity = _Activity()
    engine = _engine(data_file)
    password = secrets.token_urlsafe(24)
    try:
        await engine.connect()
        proxy = AsyncMongoEcoProxyServer(
            client=_client(engine, activity),
            host="127.0.0.1",
            port=port,
            auth_users=(WireAuthUser(USER, password, mechanisms=("SCRAM-SHA-256",)),),
        )
        address = await proxy.start()
        record = StoreRecord(
            pid=os.getpid(),
            host=address.host,
            port=address.port,
            user=USER,
            password=password,
            data_file=data_file if files is None else str(files.data_file),
            started_at=datetime.now(UTC).isoformat(),
        )
        if files is not None:
            files.write_record(record)
        if stop_with_parent:  # started by a command, which reads this line
            print(json.dumps(record.to_json()), flush=True)
        log.info(
            "embedded store serving %s on %s:%d (credentials in %s); stop with Ctrl-C",
            record.data_file,
            address.host,
            address.port,
            "this process only" if files is None else files.record_path,
        )
        watch = (
            asyncio.create_task(_stop_when_orphaned(stop, os.getppid()))
            if stop_with_parent
            else None
        )
        await stop.wait()
        if watch is not None:
            watch.cancel()
        # Let writes in progress commit before the engine closes.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(activity.idle.wait(), DRAIN_SECONDS)
        await proxy.close()
    finally:
        with contextlib.suppress(Exception):
            await engine.disconnect()
        if files is not None:
            files.remove_record()
            files.unlock()
    log.info("embedded store stopped")


async def _stop_when_orphaned(stop: asyncio.Event, parent: int) -> None:
    """A store started for a command ends with it, even if that command was killed."""
    while os.getppid() == parent:  # no event tells a process its parent died; poll
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), PARENT_CHECK_SECONDS)
        if stop.is_set():
            return
    log.warning("the process that started this store is gone; stopping")
    stop.set()


def run(data_file: str, port: int, *, stop_with_parent: bool) -> int:
    """``crm db``: exit status 0 when stopped, 3 when another process serves the file."""
    try:
        asyncio.run(serve(data_file, port, stop_with_parent=stop_with_parent))
    except StoreBusy as busy:
        print(f"crm db: {busy}", file=sys.stderr)
        return 3
    return 0
