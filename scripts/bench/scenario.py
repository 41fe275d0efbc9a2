"""A new user's first day on the default store, timed: `crm serve` on a fresh SQLite file.

    .venv/bin/python scripts/bench/scenario.py [--customers 2357] [--orders 6919]

1. First start with demo data (what `make run` does): seconds until /readyz answers.
2. A fresh store: a purchase history (customers, products, orders CSV) imported through
   `importData` over HTTP while a second client queries the API back to back; import times,
   and the latency of those queries (p50/p99/max) and any errors.
3. `startSegmentation` three times in a row (the same prober running): each run's time.
4. `cancelJob` on a running segmentation: seconds until the job is CANCELLED.
5. SIGTERM with a request in flight and a job running: seconds until the server exits, and
   whether its log shows an error.

Every server runs in its own process on 127.0.0.1; every wait is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.demo.histories import purchase_history  # noqa: E402

PROBE = "{ customers(first: 5) { edges { node { id name } } } }"
IMPORT = """mutation($input: ImportDataInput!) { importData(input: $input) {
    job { id } userErrors { code message } } }"""
JOB = """query($id: ID!) { job(id: $id) { status progress { done total } error { code message }
    result { ... on ImportResult { imported updated failed } } } }"""
SEGMENT = "mutation { startSegmentation(input: {}) { job { id } userErrors { code } } }"
CANCEL = "mutation($id: ID!) { cancelJob(id: $id) { job { status } userErrors { code } } }"
LIMIT_SECONDS = 900


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Server:
    """`crm serve` in a subprocess, its log in a file."""

    def __init__(self, data_file: Path, *, seed: bool) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = data_file.with_suffix(".log")
        env = {
            **os.environ,
            "CRM_DATA_FILE": str(data_file),
            "CRM_PORT": str(self.port),
            "CRM_JOB_POLL_SECONDS": "0.2",
        }
        command = [sys.executable, "-m", "app", "serve", *(["--seed-if-empty"] if seed else [])]
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen(command, env=env, stdout=self.log, stderr=self.log)

    def wait_ready(self, limit: float = 300) -> float:
        started = time.monotonic()
        while time.monotonic() - started < limit:
            assert self.process.poll() is None, f"server exited; see {self.log_path}"
            try:
                if httpx.get(f"{self.url}/readyz", timeout=1).status_code == 200:
                    return time.monotonic() - started
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise TimeoutError("the server did not become ready")

    def stop(self) -> float:
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()
        return time.monotonic() - started

    def log_errors(self) -> list[str]:
        text = self.log_path.read_text(errors="replace")
        return [
            line
            for line in text.splitlines()
            if line.startswith(("ERROR", "CRITICAL", "Traceback")) or "Error:" in line
        ]


class Prober:
    """One client sending a small query back to back, recording each latency."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        async with httpx.AsyncClient(timeout=30) as client:
            while not self._stop.is_set():
                started = time.perf_counter()
                try:
                    response = await client.post(f"{self.url}/graphql", json={"query": PROBE})
                    body = response.json()
                    if response.status_code != 200 or body.get("errors"):
                        self.errors.append(str(body.get("errors") or response.status_code)[:200])
                except (httpx.HTTPError, ValueError) as error:
                    self.errors.append(type(error).__name__)
                self.latencies.append(time.perf_counter() - started)
                await asyncio.sleep(0.05)

    def start(self) -> None:
        self._stop.clear()
        self.latencies, self.errors = [], []
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> dict[str, Any]:
        self._stop.set()
        assert self._task is not None
        await self._task
        ordered = sorted(self.latencies) or [0.0]
        return {
            "queries": len(self.latencies),
            "p50": statistics.median(ordered),
            "p99": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
            "max": ordered[-1],
            "errors": len(self.errors),
            "first_error": self.errors[0] if self.errors else "",
        }


async def graphql(client: httpx.AsyncClient, url: str, query: str, **variables: Any) -> Any:
    response = await client.post(f"{url}/graphql", json={"query": query, "variables": variables})
    body = response.json()
    assert not body.get("errors"), body["errors"]
    return body["data"]


async def wait_job(client: httpx.AsyncClient, url: str, job_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + LIMIT_SECONDS
    while time.monotonic() < deadline:
        job: dict[str, Any] = (await graphql(client, url, JOB, id=job_id))["job"]
        if job["status"] in ("SUCCEEDED", "FAILED", "CANCELLED"):
            return job
        await asyncio.sleep(0.2)
    raise TimeoutError(f"job {job_id} did not end")


async def upload(
    client: httpx.AsyncClient, url: str, entity: str, data: bytes
) -> tuple[float, dict[str, Any]]:
    started = time.monotonic()
    operations = json.dumps(
        {
            "query": IMPORT,
            "variables": {"input": {"entity": entity, "format": "CSV", "file": None}},
        }
    )
    response = await client.post(
        f"{url}/graphql",
        data={"operations": operations, "map": '{"0": ["variables.input.file"]}'},
        files={"0": (f"{entity.lower()}.csv", data, "text/csv")},
        headers={"Apollo-Require-Preflight": "true"},
    )
    payload = response.json()["data"]["importData"]
    assert payload["userErrors"] == [], payload["userErrors"]
    job = await wait_job(client, url, payload["job"]["id"])
    assert job["status"] == "SUCCEEDED", job
    return time.monotonic() - started, job["result"]


async def scenario(customers: int, orders: int, folder: Path) -> None:
    print(f"\n1. First start with demo data on a fresh SQLite file ({folder})")
    (folder / "demo").mkdir(exist_ok=True)
    demo = Server(folder / "demo" / "crm.sqlite", seed=True)
    print(f"   ready after {demo.wait_ready():.1f} s")
    demo.stop()

    (folder / "shop").mkdir(exist_ok=True)
    server = Server(folder / "shop" / "crm.sqlite", seed=False)
    print(f"\n2. Import of {customers:,} customers and {orders:,} orders (fresh store)")
    print(f"   server ready after {server.wait_ready():.1f} s")
    files = purchase_history(customers, orders, seed=1)
    prober = Prober(server.url)
    async with httpx.AsyncClient(timeout=120) as client:
        prober.start()
        total = 0.0
        for entity, data in (
            ("CUSTOMERS", files.customers),
            ("PRODUCTS", files.products),
            ("ORDERS", files.orders),
        ):
            seconds, result = await upload(client, server.url, entity, data)
            total += seconds
            print(f"   {entity:<9} {seconds:6.1f} s  {result}")
        print(f"   imports in total {total:.1f} s")
        print(f"   queries meanwhile: {fmt(await prober.stop())}")

        print("\n3. Segmentation three times in a row")
        prober.start()
        for attempt in range(1, 4):
            started = time.monotonic()
            job_id = (await graphql(client, server.url, SEGMENT))["startSegmentation"]["job"]["id"]
            job = await wait_job(client, server.url, job_id)
            print(f"   run {attempt}: {job['status']} in {time.monotonic() - started:.1f} s")
        print(f"   queries meanwhile: {fmt(await prober.stop())}")

        print("\n4. cancelJob on a running segmentation")
        job_id = (await graphql(client, server.url, SEGMENT))["startSegmentation"]["job"]["id"]
        await wait_writing(client, server.url, job_id)
        started = time.monotonic()
        await graphql(client, server.url, CANCEL, id=job_id)
        job = await wait_job(client, server.url, job_id)
        print(f"   {job['status']} {time.monotonic() - started:.1f} s after cancelJob")

        print("\n5. SIGTERM with a request in flight and a job running")
        job_id = (await graphql(client, server.url, SEGMENT))["startSegmentation"]["job"]["id"]
        await wait_writing(client, server.url, job_id)
        in_flight = asyncio.create_task(
            client.post(
                f"{server.url}/graphql",
                json={"query": "{ customers(first: 100) { totalCount } }"},
            )
        )
        await asyncio.sleep(0.05)
        seconds = await asyncio.to_thread(server.stop)
        outcome = await asyncio.gather(in_flight, return_exceptions=True)
        status = getattr(outcome[0], "status_code", type(outcome[0]).__name__)
        print(f"   exited after {seconds:.1f} s (in-flight request: {status})")
        errors = server.log_errors()
        print(f"   errors in the log: {len(errors)}" + (f" (first: {errors[0]})" if errors else ""))


async def wait_writing(client: httpx.AsyncClient, url: str, job_id: str) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job = (await graphql(client, url, JOB, id=job_id))["job"]
        if job["status"] == "RUNNING" and job["progress"]["done"] > 0:
            return
        await asyncio.sleep(0.05)
    raise TimeoutError("the job never started writing")


def fmt(stats: dict[str, Any]) -> str:
    return (
        f"{stats['queries']} queries, p50 {stats['p50'] * 1000:.0f} ms, "
        f"p99 {stats['p99'] * 1000:.0f} ms, max {stats['max'] * 1000:.0f} ms, "
        f"errors {stats['errors']} {stats['first_error']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=2357)
    parser.add_argument("--orders", type=int, default=6919)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="crm-scenario-") as folder:
        asyncio.run(scenario(args.customers, args.orders, Path(folder)))


if __name__ == "__main__":
    main()
