"""Websockets (graphql-transport-ws) authenticate through connection_params and check the same
permissions; cross-site browser origins are refused."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidStatus

from app.auth.roles import Role
from app.auth.service import ApiKeyService
from app.core.db import Database
from app.core.settings import Settings
from app.demo.load import seed
from tests.conftest import serve, start_worker

PROTOCOL = "graphql-transport-ws"


@pytest.fixture
def production_server(mongo_url: str, production: Settings) -> Iterator[str]:
    live = Settings(
        env="production",
        mongodb_url=mongo_url,
        database=production.database,
        cors_origins="https://app.example.com",
    )
    with serve(live) as url:
        yield url.replace("http://", "ws://") + "/graphql"


async def run(socket: ClientConnection, params: dict[str, Any], query: str) -> dict[str, Any]:
    await socket.send(json.dumps({"type": "connection_init", "payload": params}))
    assert json.loads(await socket.recv())["type"] == "connection_ack"
    await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}}))
    message: dict[str, Any] = json.loads(await socket.recv())
    return message


async def test_connection_params_authenticate_and_permissions_apply(
    production_server: str, database: Database
) -> None:
    _, agent_key = await ApiKeyService(database.db).create("chat widget", Role.AGENT)
    async with connect(production_server, subprotocols=[PROTOCOL]) as socket:
        message = await run(socket, {"authorization": f"Bearer {agent_key}"}, "{ viewer { role } }")
        assert message["type"] == "next"
        assert message["payload"]["data"] == {"viewer": {"role": "AGENT"}}
    async with connect(production_server, subprotocols=[PROTOCOL]) as socket:
        message = await run(
            socket, {"authorization": f"Bearer {agent_key}"}, "{ apiKeys { name } }"
        )
        assert message["payload"]["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_websocket_without_credentials_is_unauthenticated(production_server: str) -> None:
    async with connect(production_server, subprotocols=[PROTOCOL]) as socket:
        message = await run(socket, {}, "{ customers { totalCount } }")
        assert message["payload"]["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_cross_site_origins_are_refused_unless_allowlisted(production_server: str) -> None:
    with pytest.raises(InvalidStatus) as refused:
        async with connect(
            production_server, subprotocols=[PROTOCOL], origin="https://evil.example.com"
        ):
            pass
    assert refused.value.response.status_code == 403
    async with connect(
        production_server, subprotocols=[PROTOCOL], origin="https://app.example.com"
    ) as socket:
        message = await run(socket, {}, "{ customers { totalCount } }")
        assert message["payload"]["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.fixture
def server_without_worker(mongo_url: str, production: Settings) -> Iterator[str]:
    live = Settings(
        env="production",
        mongodb_url=mongo_url,
        database=production.database,
        embedded_worker=False,
    )
    with serve(live) as url:
        yield url.replace("http://", "ws://") + "/graphql"


async def test_job_progress_follows_a_job_run_by_another_process(
    server_without_worker: str, database: Database, mongo_url: str
) -> None:
    await seed(database.db, customers=20, seed=4, progress=False)
    _, key = await ApiKeyService(database.db).create("dashboard", Role.ANALYST)
    params = {"authorization": f"Bearer {key}"}
    async with connect(server_without_worker, subprotocols=[PROTOCOL]) as socket:
        started = await run(
            socket, params, "mutation { startSegmentation(input: {k: 3}) { job { id } } }"
        )
        job_id = started["payload"]["data"]["startSegmentation"]["job"]["id"]
    worker = start_worker(mongo_url, database.db.name)
    try:
        async with connect(server_without_worker, subprotocols=[PROTOCOL]) as socket:
            query = (
                f'subscription {{ jobProgress(id: "{job_id}") {{ status progress {{ done }} }} }}'
            )
            message = await run(socket, params, query)
            statuses = []
            while message["type"] == "next":
                statuses.append(message["payload"]["data"]["jobProgress"]["status"])
                message = json.loads(await asyncio.wait_for(socket.recv(), timeout=60))
            assert message["type"] == "complete"
    finally:
        worker.kill()
        worker.wait(timeout=10)
    assert statuses[-1] == "SUCCEEDED"
    assert "RUNNING" in statuses or "QUEUED" in statuses
