"""Backup -> restore gives the same documents (types included), indexes and GridFS files; a
damaged, truncated, foreign or tampered archive is refused before anything is written; a
database holding data is replaced only with drop."""

from __future__ import annotations

import io
import json
import tarfile
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from bson import Binary, Decimal128, Int64, ObjectId
from gridfs.asynchronous import AsyncGridFSBucket

from app.backup.archive import BadArchive
from app.backup.service import NotEmpty, backup, collections, restore, verify
from app.core.db import Database, MongoDatabase
from app.core.settings import Settings


@pytest.fixture
async def other(database: Database) -> AsyncIterator[MongoDatabase]:
    """A second, empty database on the same server, dropped afterwards."""
    db = database.client[f"crm_restore_{uuid.uuid4().hex[:10]}"]
    yield db
    await database.client.drop_database(db.name)


async def seed(db: MongoDatabase) -> bytes:
    """Documents of every BSON type we store, and a GridFS file; returns the file's bytes."""
    typed = {
        "_id": ObjectId(),
        "name": "Ada",
        "at": datetime(2026, 5, 1, 12, 30, 15, 123000, tzinfo=UTC),
        "price": Decimal128(Decimal("19.99")),
        "count": Int64(2**40),
        "ratio": 0.25,
        "blob": Binary(b"\x00\x01\xff"),
        "nested": {"tags": ["a", "b"], "none": None, "flag": True},
    }
    await db["customers"].insert_many(
        [typed, *({"email": f"c{i}@example.com", "n": i} for i in range(2500))]
    )
    await db["orders"].insert_one({"customerId": typed["_id"], "total": Decimal128("5.00")})
    content = bytes(range(256)) * 2000  # several GridFS chunks
    bucket = AsyncGridFSBucket(db, bucket_name="imports")
    await bucket.upload_from_stream("customers.csv", io.BytesIO(content))
    return content


async def everything(db: MongoDatabase) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name in await collections(db):
        documents = await db[name].find({}).sort("_id", 1).to_list()
        described = await db[name].list_indexes()
        indexes = sorted(
            [(index["name"], tuple(index["key"].items())) async for index in described]
        )
        found[name] = (documents, indexes)
    return found


async def test_restore_gives_back_every_document_index_and_file(
    database: Database, settings: Settings, other: MongoDatabase, tmp_path: Path
) -> None:
    content = await seed(database.db)
    target = tmp_path / "crm.tar.gz"
    written = await backup(database.client, settings, target)
    assert written.documents >= 2502
    assert written.collections["customers"] == 2501
    assert target.exists()
    assert not (tmp_path / "crm.tar.gz.partial").exists()
    verified = await restore(other, target, drop=False)
    assert verified.documents == written.documents
    before, after = await everything(database.db), await everything(other)
    assert set(after) == set(before)
    for name in before:
        assert after[name] == before[name], name
    typed = await other["customers"].find_one({"name": "Ada"})
    assert typed is not None
    assert isinstance(typed["price"], Decimal128)
    assert isinstance(typed["blob"], bytes)
    assert typed["count"] == 2**40
    download = io.BytesIO()
    await AsyncGridFSBucket(other, bucket_name="imports").download_to_stream_by_name(
        "customers.csv", download
    )
    assert download.getvalue() == content


def rewrite(source: Path, target: Path, change: Any) -> None:
    """Copy the archive, passing each member's bytes through ``change(name, data)``."""
    with tarfile.open(source, "r:gz") as original, tarfile.open(target, "w:gz") as copy:
        for info in original:
            handle = original.extractfile(info)
            data = change(info.name, handle.read() if handle else b"")
            if data is None:
                continue
            info.size = len(data)
            copy.addfile(info, io.BytesIO(data))


def flip_a_character(name: str, data: bytes) -> bytes:
    return data.replace(b"c7@example.com", b"c8@example.com") if "customers" in name else data


def drop_orders(name: str, data: bytes) -> bytes | None:
    return None if "orders" in name else data


def foreign_manifest(name: str, data: bytes) -> bytes:
    if name == "manifest.json":
        return json.dumps({**json.loads(data), "format": "someone-else"}).encode()
    return data


async def test_damaged_archives_are_refused_and_nothing_is_written(
    database: Database, settings: Settings, other: MongoDatabase, tmp_path: Path
) -> None:
    await seed(database.db)
    good = tmp_path / "good.tar.gz"
    await backup(database.client, settings, good)
    whole = good.read_bytes()
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(whole[: len(whole) // 2])
    garbage = tmp_path / "garbage.tar.gz"
    garbage.write_bytes(b"not an archive at all")
    cases = {"truncated": (truncated, "truncated"), "garbage": (garbage, "not a backup")}
    for label, change in (
        ("tampered", flip_a_character),
        ("missing", drop_orders),
        ("foreign", foreign_manifest),
    ):
        path = tmp_path / f"{label}.tar.gz"
        rewrite(good, path, change)
        cases[label] = (
            path,
            {"tampered": "checksum", "missing": "missing", "foreign": "foreign"}[label],
        )
    for label, (path, says) in cases.items():
        with pytest.raises(BadArchive, match=says):
            await restore(other, path, drop=True)
        assert await other.list_collection_names() == [], label
    assert (await verify(good)).documents > 2500


async def test_a_database_with_data_is_replaced_only_when_asked(
    database: Database, settings: Settings, other: MongoDatabase, tmp_path: Path
) -> None:
    await seed(database.db)
    target = tmp_path / "crm.tar.gz"
    await backup(database.client, settings, target)
    await other["customers"].insert_one({"email": "kept@example.com"})
    with pytest.raises(NotEmpty, match="customers"):
        await restore(other, target, drop=False)
    assert await other["customers"].count_documents({}) == 1
    await restore(other, target, drop=True)
    assert await other["customers"].count_documents({"email": "kept@example.com"}) == 0
    assert await other["customers"].count_documents({}) == 2501
