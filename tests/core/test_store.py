"""The embedded store is one process per data file, shared by every command: CLI commands work
while the server runs, a second server joins, a killed server leaves the data whole and its
store stops, and SIGTERM ends the server promptly and cleanly."""

from __future__ import annotations

import asyncio
import json
import signal
import time
from pathlib import Path

from pymongo import AsyncMongoClient
from websockets.sync.client import connect
from websockets.typing import Subprotocol

from app.core.store import EmbeddedStore, StoreFiles
from tests.processes import ServeProcess, crm

CREATE = """mutation($input: CreateCustomerInput!) { createCustomer(input: $input) {
    customer { id } userErrors { code } } }"""
FIND = """query($email: String!) { customerByEmail(email: $email) { name } }"""


async def job_statuses(data_file: Path) -> dict[str, list[str]]:
    """Per job kind, the statuses of its jobs."""
    store = await EmbeddedStore.open(str(data_file))
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(store.uri)
    try:
        found: dict[str, list[str]] = {}
        async for job in client["crm"]["jobs"].find():
            found.setdefault(str(job["kind"]), []).append(str(job["status"]))
        return found
    finally:
        await client.close()
        await store.close()


def wait_until_free(files: StoreFiles, limit: float = 15) -> None:
    deadline = time.monotonic() + limit
    while files.held_elsewhere():
        assert time.monotonic() < deadline, "the store process did not stop"
        time.sleep(0.1)


async def test_commands_share_the_running_store_and_a_killed_server_loses_nothing(
    tmp_path: Path,
) -> None:
    data_file = tmp_path / "crm.sqlite"
    files = StoreFiles(str(data_file))
    with ServeProcess(data_file, embedded_worker="false") as first:
        first.wait_ready()
        created = first.graphql(CREATE, input={"name": "Ada", "email": "ada@example.com"})
        assert created["data"]["createCustomer"]["userErrors"] == []  # type: ignore[index]
        # A CLI command joins the running store instead of opening the file.
        key = crm(data_file, "create-api-key", "--name", "ops", "--role", "ADMIN")
        assert key.returncode == 0, key.stderr
        assert "joined" in key.stderr
        # So does a second server, and a second `crm db` is refused.
        with ServeProcess(data_file, embedded_worker="false") as second:
            second.wait_ready()
            assert "joined" in second.log()
            seen = second.graphql(FIND, email="ada@example.com")
            assert seen["data"] == {"customerByEmail": {"name": "Ada"}}
            busy = crm(data_file, "db")
            assert busy.returncode == 3
            assert "already served" in busy.stderr
            # Kill the server that started the store: the store notices and stops cleanly.
            first.signal(signal.SIGKILL)
            wait_until_free(files)
            assert files.running() is None
    with ServeProcess(data_file, embedded_worker="false") as restarted:
        restarted.wait_ready()
        assert restarted.graphql(FIND, email="ada@example.com")["data"] == {
            "customerByEmail": {"name": "Ada"}
        }
        keys = crm(data_file, "revoke-api-key", key.stdout.split()[3])
        assert keys.returncode == 0, keys.stderr


def test_sigterm_with_a_subscription_open_and_a_job_running_stops_cleanly(
    tmp_path: Path,
) -> None:
    data_file = tmp_path / "crm.sqlite"
    # A bound, not a speed check: the demo (campaigns, forecasts, trainings) takes ~40 s alone.
    seeded = crm(data_file, "seed", "--customers", "60", timeout=240)
    assert seeded.returncode == 0, seeded.stderr
    with ServeProcess(data_file, write_batch_size="2") as server:
        stop_mid_job(server)
    # uvicorn re-raises the signal once it has shut down, so the exit says "terminated".
    assert server.process.returncode in (0, -signal.SIGTERM)
    assert "Application shutdown complete" in server.log()
    assert server.log_errors() == []
    assert StoreFiles(str(data_file)).running() is None
    # The job ended its attempt or was handed back; no job is left RUNNING on a lease (the
    # demo's forecasts included; the first segmentation is the demo's own, run by `crm seed`).
    statuses = asyncio.run(job_statuses(data_file))
    assert sorted(statuses["SEGMENTATION"]) in (["SUCCEEDED"] * 2, ["QUEUED", "SUCCEEDED"])
    assert all("RUNNING" not in kind for kind in statuses.values())


def stop_mid_job(server: ServeProcess) -> None:
    """SIGTERM while a segmentation writes and a client follows it over a websocket."""
    server.wait_ready()
    started = server.graphql("mutation { startSegmentation(input: {}) { job { id } } }")
    job_id = started["data"]["startSegmentation"]["job"]["id"]  # type: ignore[index]
    deadline = time.monotonic() + 60
    while True:  # until the job is part-way through
        job = server.graphql(
            "query($id: ID!) { job(id: $id) { status progress { done } } }", id=job_id
        )["data"]["job"]  # type: ignore[index]
        if job["status"] == "RUNNING" and job["progress"]["done"] > 0:
            break
        assert job["status"] in ("QUEUED", "RUNNING"), job
        assert time.monotonic() < deadline, "the job never got going"
        time.sleep(0.05)
    # A client following the job: a request that only ends when the job does.
    url = f"ws://127.0.0.1:{server.port}/graphql"
    with connect(url, subprotocols=[Subprotocol("graphql-transport-ws")]) as socket:
        socket.send(json.dumps({"type": "connection_init"}))
        assert json.loads(socket.recv(timeout=10))["type"] == "connection_ack"
        subscription = "subscription($id: ID!) { jobProgress(id: $id) { status } }"
        payload = {"query": subscription, "variables": {"id": job_id}}
        socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
        assert json.loads(socket.recv(timeout=10))["type"] == "next"
        server.signal(signal.SIGTERM, limit=15)


def test_a_command_without_a_server_starts_and_stops_its_own_store(tmp_path: Path) -> None:
    data_file = tmp_path / "crm.sqlite"
    result = crm(data_file, "create-api-key", "--name", "ops", "--role", "ADMIN")
    assert result.returncode == 0, result.stderr
    assert "started" in result.stderr
    assert StoreFiles(str(data_file)).running() is None
