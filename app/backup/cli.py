"""``crm backup [--out PATH] [--verify PATH]`` and ``crm restore PATH [--drop]``."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tqdm import tqdm

from app.backup.archive import BadArchive
from app.backup.service import NotEmpty, Progress, backup, default_path, restore, verify
from app.core.db import Database
from app.core.settings import Settings


@contextmanager
def bar(total: int | None, unit: str, what: str) -> Iterator[Progress]:
    """A progress bar on stderr when it is a terminal; silent otherwise."""
    with tqdm(
        total=total,
        unit=unit,
        unit_scale=True,
        desc=what,
        file=sys.stderr,
        disable=not sys.stderr.isatty(),
    ) as shown:
        yield shown.update


async def run_backup(database: Database, settings: Settings, out: Path | None) -> int:
    target = out or default_path(Path(settings.backup_dir or "."))
    if target.exists():
        print(f"crm backup: {target} exists; name another file", file=sys.stderr)
        return 2
    target.parent.mkdir(parents=True, exist_ok=True)
    with bar(None, "doc", "backup") as progress:
        written = await backup(database.client, settings, target, progress)
    print(
        f"{written.documents} documents in {len(written.collections)} collections -> "
        f"{written.path} ({written.bytes / 1e6:.1f} MB, {written.seconds:.1f} s)"
    )
    print(f"consistency: {written.consistency}")
    return 0


async def run_verify(path: Path) -> int:
    try:
        with bar(None, "B", "verify") as progress:
            verified = await verify(path, progress)
    except BadArchive as error:
        print(f"crm backup --verify: {error}", file=sys.stderr)
        return 1
    head = verified.manifest
    print(
        f"{path}: OK, {verified.documents} documents in {len(head['collections'])} collections, "
        f"written {head['createdAt']} by crm {head['appVersion']} ({head['engine']}; "
        f"consistency: {head['consistency']})"
    )
    return 0


async def run_restore(database: Database, path: Path, drop: bool) -> int:
    try:
        verified = await verify(path)
        with bar(verified.documents, "doc", "restore") as progress:
            await restore(database.db, path, drop=drop, progress=progress)
    except (BadArchive, NotEmpty) as error:
        print(f"crm restore: {error}; nothing was written", file=sys.stderr)
        return 1
    for name, entry in sorted(verified.manifest["collections"].items()):
        print(f"  {name}: {entry['count']}")
    print(f"restored {verified.documents} documents into {database.db.name}")
    return 0
