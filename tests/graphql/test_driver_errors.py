"""A database outage reaches clients as DATABASE_UNAVAILABLE with a request id, never as the
driver's message (server addresses, topology), in development and production alike."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from pymongo import AsyncMongoClient

from app.core.db import Database
from app.core.settings import Settings
from app.schema import create_schema
from tests.conftest import GraphQLClient


@pytest.fixture
async def unreachable() -> AsyncIterator[Database]:
    """A client whose server hangs up on every connection, as a dying MongoDB does."""

    async def hang_up(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.close()

    server = await asyncio.start_server(hang_up, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    client: AsyncMongoClient[Any] = AsyncMongoClient(
        f"mongodb://127.0.0.1:{port}/?directConnection=true",
        serverSelectionTimeoutMS=200,
        tz_aware=True,
    )
    yield Database(client=client, db=client["crm_unreachable"])
    await client.close()
    server.close()
    await server.wait_closed()


@pytest.mark.parametrize(
    ("env", "authorization"),
    [("development", None), ("development", "Bearer crm_x_y"), ("production", "Bearer crm_x_y")],
)
async def test_an_unreachable_database_is_a_coded_error_without_driver_details(
    unreachable: Database, env: str, authorization: str | None
) -> None:
    settings = Settings(env=env, database="crm_unreachable", data_file=":memory:")
    gql = GraphQLClient(create_schema(settings), unreachable, settings, authorization)
    result = await gql.execute("{ customers(first: 1) { totalCount } }")
    assert result.errors
    for error in result.errors:
        formatted = error.formatted
        assert formatted["extensions"]["code"] == "DATABASE_UNAVAILABLE"
        request_id = formatted["extensions"]["requestId"]
        assert request_id in formatted["message"]
        text = str(formatted)
        for leak in ("127.0.0.1", "Topology", "ServerSelection", "localhost"):
            assert leak not in text
