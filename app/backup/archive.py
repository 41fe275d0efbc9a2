"""The archive: a gzip'd tar holding ``collections/<name>.jsonl`` (one document per line in
canonical Extended JSON, so ObjectIds, dates, Decimal128 and binary keep their types),
``indexes.json`` (every collection's indexes as they exist) and ``manifest.json`` (written
last: app version, time, how consistent the copy is, and per member its document count, byte
size and SHA-256). GridFS buckets are collections (``<bucket>.files``/``.chunks``) and come
along as such.

The checksums catch a truncated or corrupted archive; they do not prove who wrote it (anyone
able to edit the archive can rewrite the manifest too): keep archives where only you write.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any, BinaryIO

from bson import json_util
from bson.json_util import JSONMode, JSONOptions

FORMAT = "crm-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
INDEXES = "indexes.json"
PREFIX = "collections/"
OPTIONS = JSONOptions(json_mode=JSONMode.CANONICAL, tz_aware=True)
CHUNK = 1 << 20


class BadArchive(ValueError):
    """Not a whole, unchanged archive of ours; the message says what is wrong."""


def encode(documents: list[dict[str, Any]]) -> bytes:
    """Documents as canonical Extended JSON lines."""
    return b"".join(
        json_util.dumps(doc, json_options=OPTIONS).encode() + b"\n" for doc in documents
    )


def decode(line: bytes) -> dict[str, Any]:
    document: dict[str, Any] = json_util.loads(line, json_options=OPTIONS)
    return document


@dataclass
class Member:
    """One collection's file while it is written: count, size and SHA-256 as it grows."""

    name: str
    path: Path
    count: int = 0
    size: int = 0
    digest: Any = field(default_factory=hashlib.sha256)

    def add(self, handle: BinaryIO, lines: bytes, count: int) -> None:
        handle.write(lines)
        self.digest.update(lines)
        self.size += len(lines)
        self.count += count

    def entry(self) -> dict[str, Any]:
        return {"count": self.count, "bytes": self.size, "sha256": self.digest.hexdigest()}


def manifest(
    database: str,
    engine: str,
    consistency: str,
    members: list[Member],
    indexes: dict[str, list[dict[str, Any]]],
    started: datetime,
) -> dict[str, Any]:
    index_bytes = _json(indexes)
    return {
        "format": FORMAT,
        "formatVersion": FORMAT_VERSION,
        "appVersion": version("crm"),
        "createdAt": started.astimezone(UTC).isoformat(),
        "database": database,
        "engine": engine,
        "consistency": consistency,
        "collections": {m.name: m.entry() for m in members},
        "indexes": {"bytes": len(index_bytes), "sha256": hashlib.sha256(index_bytes).hexdigest()},
    }


def _json(value: Any) -> bytes:
    """Keys in their order: a compound index's key order is the index."""
    return json_util.dumps(value, json_options=OPTIONS, indent=1).encode()


def pack(target: Path, members: list[Member], indexes: dict[str, Any], head: dict[str, Any]) -> int:
    """Write the tar beside ``target`` and move it into place (never a half archive under the
    final name). Returns its size in bytes."""
    partial = target.with_name(target.name + ".partial")
    with tarfile.open(partial, "w:gz", compresslevel=1) as tar:
        for member in members:
            tar.add(member.path, arcname=PREFIX + member.name + ".jsonl")
        plain = json.dumps(head, sort_keys=True, indent=1).encode()
        for name, content in ((INDEXES, _json(indexes)), (MANIFEST, plain)):
            info = tarfile.TarInfo(name)
            info.size = len(content)
            info.mtime = int(datetime.now(UTC).timestamp())
            tar.addfile(info, io.BytesIO(content))
    partial.replace(target)
    return target.stat().st_size


@dataclass
class Verified:
    """A checked archive: its manifest and indexes."""

    path: Path
    manifest: dict[str, Any]
    indexes: dict[str, list[dict[str, Any]]]

    @property
    def documents(self) -> int:
        return sum(entry["count"] for entry in self.manifest["collections"].values())


def _open(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, "r:gz")
    except FileNotFoundError:
        raise BadArchive(f"{path} does not exist.") from None
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BadArchive(f"{path} is not a backup archive ({type(error).__name__}).") from None


def _head(tar: tarfile.TarFile, path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    try:
        raw = tar.extractfile(MANIFEST)
        head = json.loads(raw.read()) if raw is not None else None
    except (KeyError, tarfile.TarError, OSError, EOFError, ValueError):
        raise BadArchive(f"{path} has no readable manifest: truncated, or not ours.") from None
    if not isinstance(head, dict) or head.get("format") != FORMAT:
        raise BadArchive(f"{path} is not a CRM backup (its manifest is foreign).")
    if head.get("formatVersion") != FORMAT_VERSION:
        raise BadArchive(f"{path} is format {head.get('formatVersion')}; this CRM reads 1.")
    raw_indexes = tar.extractfile(INDEXES)
    content = raw_indexes.read() if raw_indexes is not None else b""
    expected = head.get("indexes", {})
    if hashlib.sha256(content).hexdigest() != expected.get("sha256"):
        raise BadArchive(f"{path}: indexes.json does not match its checksum.")
    indexes: dict[str, Any] = json_util.loads(content, json_options=OPTIONS)
    return head, indexes


def verify(path: Path, progress: Callable[[int], None] = lambda _: None) -> Verified:
    """Check every member against the manifest (count, size, SHA-256) reading the archive
    once; ``BadArchive`` at the first difference."""
    try:
        with _open(path) as tar:
            head, indexes = _head(tar, path)
            expected: dict[str, dict[str, Any]] = head["collections"]
            seen: set[str] = set()
            for name, info in _collections(tar):
                entry = expected.get(name)
                if entry is None:
                    raise BadArchive(f"{path}: {info.name} is not in the manifest.")
                digest, count, size = hashlib.sha256(), 0, 0
                for block in _blocks(tar, info):
                    digest.update(block)
                    count += block.count(b"\n")
                    size += len(block)
                    progress(len(block))
                if (count, size, digest.hexdigest()) != (
                    entry["count"],
                    entry["bytes"],
                    entry["sha256"],
                ):
                    raise BadArchive(f"{path}: {name} does not match its checksum.")
                seen.add(name)
            missing = set(expected) - seen
            if missing:
                raise BadArchive(f"{path}: missing collections {sorted(missing)}.")
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BadArchive(f"{path} is damaged ({type(error).__name__}: truncated?).") from None
    return Verified(path, head, indexes)


def _collections(tar: tarfile.TarFile) -> Iterator[tuple[str, tarfile.TarInfo]]:
    """The collection files, each with its collection's name."""
    for info in tar:
        if info.name.startswith(PREFIX):
            yield info.name[len(PREFIX) : -len(".jsonl")], info


def _blocks(tar: tarfile.TarFile, info: tarfile.TarInfo) -> Iterator[bytes]:
    handle = tar.extractfile(info)
    if handle is None:
        return
    while block := handle.read(CHUNK):
        yield block


def documents(verified: Verified, batch: int) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """``(collection, documents)`` batches, in archive order."""
    with _open(verified.path) as tar:
        for name, info in _collections(tar):
            handle = tar.extractfile(info)
            if handle is None:
                continue
            part: list[dict[str, Any]] = []
            for line in handle:
                part.append(decode(line))
                if len(part) >= batch:
                    yield name, part
                    part = []
            if part:
                yield name, part
