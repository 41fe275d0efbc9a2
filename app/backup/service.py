"""``backup`` writes an archive from a consistent source; ``restore`` verifies an archive whole
before it touches the database, then loads it and creates its indexes."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pymongo import AsyncMongoClient, IndexModel

from app.backup import archive
from app.backup.archive import BadArchive, Member, Verified
from app.backup.source import consistent
from app.core.cpu import run_cpu
from app.core.db import Document, MongoDatabase
from app.core.settings import Settings

BATCH = 1000
# A database holding none of these is empty: every process writes the defaults (taxonomy,
# workflow, main warehouse) at start-up, and the archive's replace them.
USER_DATA = ("customers", "products", "orders", "tickets")
type Progress = Callable[[int], None]


def _nothing(_: int) -> None:
    return None


@dataclass
class Written:
    path: Path
    documents: int
    bytes: int
    collections: dict[str, int]
    consistency: str
    seconds: float


class NotEmpty(RuntimeError):
    """The target database holds data and ``--drop`` was not given."""


async def collections(db: MongoDatabase) -> list[str]:
    names = await db.list_collection_names()
    return sorted(name for name in names if not name.startswith("system."))


def default_path(folder: Path) -> Path:
    return folder / f"crm-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%fZ')}.tar.gz"


def embedded_file(settings: Settings) -> str | None:
    """The embedded store's data file, None on MongoDB."""
    return settings.data_file if settings.mongodb_url is None else None


async def backup(
    client: AsyncMongoClient[Document],
    settings: Settings,
    target: Path,
    progress: Progress = _nothing,
) -> Written:
    """Write the archive of the settings' database to ``target``."""
    started = datetime.now(UTC)
    name = settings.database
    async with consistent(client, name, embedded_file(settings)) as source:
        with tempfile.TemporaryDirectory(prefix="crm-backup-") as folder:
            members: list[Member] = []
            indexes: dict[str, list[dict[str, Any]]] = {}
            for collection_name in await collections(source.db):
                collection = source.db[collection_name]
                member = Member(collection_name, Path(folder) / f"{len(members)}.jsonl")
                with member.path.open("wb") as handle:
                    cursor = collection.find({}, session=source.session, batch_size=BATCH)
                    part: list[dict[str, Any]] = []
                    async for document in cursor:
                        part.append(document)
                        if len(part) >= BATCH:
                            member.add(handle, await run_cpu(archive.encode, part), len(part))
                            progress(len(part))
                            part = []
                    if part:
                        member.add(handle, await run_cpu(archive.encode, part), len(part))
                        progress(len(part))
                # Outside the snapshot session: listIndexes is not a snapshot read.
                described = await collection.list_indexes()
                indexes[collection_name] = [dict(index) async for index in described]
                members.append(member)
            head = archive.manifest(
                name, source.engine, source.consistency, members, indexes, started
            )
            size = await asyncio.to_thread(archive.pack, target, members, indexes, head)
    return Written(
        path=target,
        documents=sum(m.count for m in members),
        bytes=size,
        collections={m.name: m.count for m in members},
        consistency=source.consistency,
        seconds=(datetime.now(UTC) - started).total_seconds(),
    )


async def verify(path: Path, progress: Progress = _nothing) -> Verified:
    return await asyncio.to_thread(archive.verify, path, progress)


TEXT_INTERNALS = ("_fts", "_ftsx")


def _index_model(spec: dict[str, Any]) -> IndexModel:
    """An index as ``listIndexes`` described it. A text index lists its fields as weights
    (its key is ``{_fts: "text", _ftsx: 1}``): they become its key again."""
    key = [(k, v) for k, v in spec["key"].items() if k not in TEXT_INTERNALS]
    if "_fts" in spec["key"]:
        key += [(field, "text") for field in spec.get("weights", {})]
    skip = ("v", "key", "ns", "textIndexVersion")
    return IndexModel(key, **{k: v for k, v in spec.items() if k not in skip})


async def restore(
    db: MongoDatabase, path: Path, *, drop: bool, progress: Progress = _nothing
) -> Verified:
    """Verify, then load into an empty ``db`` (emptied first with ``drop``)."""
    verified = await verify(path)
    existing = await collections(db)
    holding = [name for name in USER_DATA if await db[name].estimated_document_count()]
    if holding and not drop:
        raise NotEmpty(
            f"the database {db.name} is not empty (it holds {', '.join(holding)}); restore "
            "into an empty one or pass --drop"
        )
    for name in existing:
        await db.drop_collection(name)
    # Indexes first: the embedded store builds an index over loaded documents slowly (a text
    # index over thousands stalls it), and keeps it as documents arrive at little cost.
    for name, specs in verified.indexes.items():
        await db.create_collection(name)
        models = [_index_model(spec) for spec in specs if spec.get("name") != "_id_"]
        if models:
            await db[name].create_indexes(models)
    batches = archive.documents(verified, BATCH)
    while True:
        item = await asyncio.to_thread(next, batches, None)
        if item is None:
            break
        name, documents = item
        await db[name].insert_many(documents, ordered=True)
        progress(len(documents))
    return verified


__all__ = ["BadArchive", "NotEmpty", "Written", "backup", "restore", "verify"]
