"""Finding, starting and joining the embedded store (a ``crm db`` process per data file).

Beside the data file live two small files: ``<file>.lock``, held (``flock``) by the process
that serves the file for as long as it runs, and ``<file>.store.json``, its address and
credentials (readable by the file's owner only). A command that needs the store joins the
running one; when there is none, it starts one as its child and stops it when done.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import logging
import os
import select
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

log = logging.getLogger(__name__)

MEMORY = ":memory:"
START_SECONDS = 60.0
STOP_SECONDS = 10.0
EXIT_BUSY = 3


class StoreBusy(RuntimeError):
    """Another process serves this data file."""


class StoreUnavailable(RuntimeError):
    """The embedded store could not be started or reached."""


@dataclass(frozen=True)
class StoreRecord:
    """Where a running store listens, and how to log in."""

    pid: int
    host: str
    port: int
    user: str
    password: str
    data_file: str
    started_at: str

    @property
    def uri(self) -> str:
        credentials = f"{quote(self.user)}:{quote(self.password)}"
        return (
            f"mongodb://{credentials}@{self.host}:{self.port}/"
            "?directConnection=true&authSource=admin&authMechanism=SCRAM-SHA-256"
        )

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StoreRecord:
        return cls(**{name: data[name] for name in cls.__dataclass_fields__})


class StoreFiles:
    """The lock and record files of one data file."""

    def __init__(self, data_file: str) -> None:
        self.data_file = Path(data_file).resolve()
        self.lock_path = self.data_file.with_name(self.data_file.name + ".lock")
        self.record_path = self.data_file.with_name(self.data_file.name + ".store.json")
        self._lock: TextIO | None = None

    def lock(self) -> None:
        """Take the file for this process; ``StoreBusy`` if another process has it."""
        self.data_file.parent.mkdir(parents=True, exist_ok=True)
        handle = self.lock_path.open("a")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            record = self.read_record()
            where = f" (pid {record.pid}, port {record.port})" if record else ""
            raise StoreBusy(
                f"{self.data_file} is already served by another process{where}"
            ) from None
        self._lock = handle

    def unlock(self) -> None:
        if self._lock is not None:
            self._lock.close()  # closing releases the flock
            self._lock = None

    def held_elsewhere(self) -> bool:
        """True while some process holds the lock."""
        if not self.lock_path.exists():
            return False
        with self.lock_path.open("a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(handle, fcntl.LOCK_UN)
            return False

    def write_record(self, record: StoreRecord) -> None:
        temporary = self.record_path.with_suffix(".tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            json.dump(record.to_json(), handle)
        temporary.replace(self.record_path)

    def read_record(self) -> StoreRecord | None:
        try:
            return StoreRecord.from_json(json.loads(self.record_path.read_text()))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def remove_record(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.record_path.unlink()

    def running(self) -> StoreRecord | None:
        """The record of the process serving the file now, if one is."""
        record = self.read_record()
        if record is not None and self.held_elsewhere():
            return record
        return None


class EmbeddedStore:
    """The store this process uses: one it started (and will stop), or one it joined."""

    def __init__(self, record: StoreRecord, process: subprocess.Popen[str] | None) -> None:
        self.record = record
        self.process = process

    @property
    def uri(self) -> str:
        return self.record.uri

    @property
    def started_here(self) -> bool:
        return self.process is not None

    @classmethod
    async def open(cls, data_file: str) -> EmbeddedStore:
        """Join the process serving ``data_file``, or start one (a throwaway one for
        ``:memory:``, which is never shared)."""
        files = None if data_file == MEMORY else StoreFiles(data_file)
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if files is not None:
                running = files.running()
                if running is not None:
                    return cls(running, None)
                if files.held_elsewhere():  # starting right now: its record follows
                    await asyncio.sleep(0.05)
                    continue
            started = await asyncio.to_thread(_start, data_file, deadline)
            if started is not None:
                return started
        raise StoreUnavailable(f"the embedded store for {data_file} did not start in time")

    async def close(self) -> None:
        """Stop the store if this process started it (writes in progress finish first)."""
        if self.process is not None:
            await asyncio.to_thread(_stop, self.process)
            self.process = None


def _start(data_file: str, deadline: float) -> EmbeddedStore | None:
    """Start ``crm db`` as a child; None if another process won the race to serve the file."""
    command = [sys.executable, "-m", "app", "db", "--data-file", data_file, "--stop-with-parent"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, start_new_session=True)
    assert process.stdout is not None
    # The child prints its record once it listens (or exits).
    readable, _, _ = select.select([process.stdout], [], [], max(deadline - time.monotonic(), 1))
    line = process.stdout.readline() if readable else ""
    if line:
        process.stdout.close()
        return EmbeddedStore(StoreRecord.from_json(json.loads(line)), process)
    if not readable:
        _stop(process)
        raise StoreUnavailable(f"the embedded store for {data_file} did not start in time")
    code = process.wait(timeout=STOP_SECONDS)
    if code == EXIT_BUSY:
        return None
    raise StoreUnavailable(f"the embedded store for {data_file} exited with status {code}")


def _stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            log.warning("the embedded store did not stop in %.0f s; killing it", STOP_SECONDS)
            process.kill()
            process.wait()
