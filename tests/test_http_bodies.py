"""Malformed request bodies are 400s with a clear message, never a 500."""

from __future__ import annotations

import httpx
import pytest

from app.asgi import create_app
from app.core.db import Database
from app.core.settings import Settings

DEEP = b"[" * 100_000 + b"]" * 100_000


@pytest.mark.parametrize(
    "body", [b"42", b'"x"', b"null", b"true", b"[]", b"[1, 2]", DEEP, b'{"query": 42}']
)
async def test_a_json_body_that_is_not_a_request_is_a_400(
    settings: Settings, database: Database, body: bytes
) -> None:
    transport = httpx.ASGITransport(app=create_app(settings, database))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as api:
        response = await api.post(
            "/graphql", content=body, headers={"content-type": "application/json"}
        )
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    ("operations", "mapping"),
    [
        ('{"query": "{ viewer { name } }"}', '[["variables.f"]]'),  # map as an array
        ("42", '{"0": ["variables.f"]}'),  # operations not an object
        ('{"query": "{ viewer { name } }"}', "not json"),
    ],
)
async def test_a_malformed_multipart_request_is_a_400(
    settings: Settings, database: Database, operations: str, mapping: str
) -> None:
    transport = httpx.ASGITransport(app=create_app(settings, database))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as api:
        response = await api.post(
            "/graphql",
            data={"operations": operations, "map": mapping},
            files={"0": ("a.csv", b"email,name\n", "text/csv")},
            headers={"Apollo-Require-Preflight": "true"},
        )
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["message"]
