"""``crm`` commands as real processes on 127.0.0.1, for tests and benchmarks of the process
model (the embedded store shared by every command, signals, crashes). Every wait is bounded."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def crm_env(data_file: Path, **settings: str) -> dict[str, str]:
    """The environment of a ``crm`` command on ``data_file`` (and no MongoDB URL)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRM_")}
    env.update(
        {"CRM_DATA_FILE": str(data_file), **{f"CRM_{k.upper()}": v for k, v in settings.items()}}
    )
    return env


def crm(
    data_file: Path, *args: str, timeout: float = 60, **settings: str
) -> subprocess.CompletedProcess[str]:
    """Run ``crm ARGS`` to completion."""
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        env=crm_env(data_file, **settings),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


class ServeProcess:
    """``crm serve`` in a subprocess; its output in ``<data file>.<port>.log``."""

    def __init__(self, data_file: Path, *args: str, **settings: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = data_file.with_name(f"{data_file.name}.{self.port}.log")
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "app", "serve", *args],
            env=crm_env(data_file, port=str(self.port), **settings),
            cwd=ROOT,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def __enter__(self) -> ServeProcess:
        return self

    def __exit__(self, *_: object) -> None:
        """Whatever happened in the block, the server does not outlive it."""
        if self.process.poll() is None:
            self.signal(signal.SIGTERM)

    def wait_ready(self, limit: float = 120) -> float:
        """Seconds until /readyz answers 200."""
        started = time.monotonic()
        while time.monotonic() - started < limit:
            if self.process.poll() is not None:
                raise RuntimeError(f"crm serve exited: {self.log()}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return time.monotonic() - started
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise TimeoutError(f"crm serve was not ready after {limit} s: {self.log()}")

    def graphql(self, query: str, **variables: object) -> dict[str, object]:
        response = httpx.post(
            f"{self.url}/graphql", json={"query": query, "variables": variables}, timeout=30
        )
        body: dict[str, object] = response.json()
        return body

    def signal(self, signum: signal.Signals, limit: float = 30) -> float:
        """Send ``signum`` and wait for the exit; seconds it took."""
        started = time.monotonic()
        self.process.send_signal(signum)
        try:
            self.process.wait(timeout=limit)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            self._log.close()
        return time.monotonic() - started

    def log(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(errors="replace")

    def log_errors(self) -> list[str]:
        """Lines at ERROR or CRITICAL (a line is ``<time> <level> <logger> ...``), and anything
        that looks like a traceback (a line printed by something other than logging)."""
        return [
            line
            for line in self.log().splitlines()
            if line.split(" ", 2)[1:2] in (["ERROR"], ["CRITICAL"])
            or line.startswith("Traceback")
            or "Error:" in line
        ]
