"""The app over HTTP: GraphQL, health and readiness, and the vendored GraphiQL page."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import AsyncIterator

import httpx
import pytest
from pymongo import AsyncMongoClient

from app.asgi import create_app
from app.core.db import Database
from app.core.settings import Settings


async def http(settings: Settings, database: Database) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=create_app(settings, database))
    return httpx.AsyncClient(transport=transport, base_url="http://test")


@pytest.fixture
async def api(settings: Settings, database: Database) -> AsyncIterator[httpx.AsyncClient]:
    async with await http(settings, database) as client:
        yield client


async def test_graphql_over_http(api: httpx.AsyncClient) -> None:
    create = """mutation { createCustomer(input: {name: "Ada", email: "ada@example.com"}) {
        customer { id } userErrors { code } } }"""
    response = await api.post("/graphql", json={"query": create})
    assert response.status_code == 200
    assert response.json()["data"]["createCustomer"]["userErrors"] == []
    response = await api.post("/graphql", json={"query": "{ customers { totalCount } }"})
    body = response.json()
    assert body["data"] == {"customers": {"totalCount": 1}}
    # customers (1) and its count at the estimate (10), settled at what it counted (1).
    assert body["extensions"]["cost"]["requested"] == 11
    assert body["extensions"]["cost"]["actual"] == 2
    assert body["extensions"]["cost"]["maximum"] == 20_000


async def test_validation_errors_over_http(api: httpx.AsyncClient) -> None:
    response = await api.post(
        "/graphql", json={"query": "{ customers(first: 101) { totalCount } }"}
    )
    body = response.json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "PAGE_SIZE_OUT_OF_RANGE"


async def test_health_and_readiness(api: httpx.AsyncClient) -> None:
    assert (await api.get("/healthz")).json() == {"status": "ok"}
    assert (await api.get("/readyz")).json() == {"status": "ok"}


async def test_readiness_fails_when_database_is_unreachable(settings: Settings) -> None:
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(
        "mongodb://127.0.0.1:9/", serverSelectionTimeoutMS=200, connectTimeoutMS=200
    )
    database = Database(client=client, db=client["crm"])
    async with await http(settings, database) as api:
        response = await api.get("/readyz")
        assert response.status_code == 503
        assert response.json()["status"] == "unavailable"
        assert (await api.get("/healthz")).status_code == 200
    await client.close()


async def test_graphiql_page_uses_only_vendored_assets_with_matching_integrity(
    api: httpx.AsyncClient,
) -> None:
    page = await api.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "unpkg.com" not in page.text
    assets = re.findall(
        r'(?:src|href)="(/static/graphiql/[^"]+)"\s+integrity="(sha384-[^"]+)"', page.text
    )
    assert len(assets) >= 5
    for path, integrity in assets:
        response = await api.get(path)
        assert response.status_code == 200, path
        digest = base64.b64encode(hashlib.sha384(response.content).digest()).decode()
        assert f"sha384-{digest}" == integrity, path


async def test_graphiql_can_be_switched_off(database: Database) -> None:
    settings = Settings(database=database.db.name, graphiql=False)
    async with await http(settings, database) as api:
        page = await api.get("/graphql", headers={"Accept": "text/html"})
        assert page.status_code == 404
        assert (
            await api.get("/static/graphiql/react@18.2.0/umd/react.production.min.js")
        ).status_code == 404
        response = await api.post("/graphql", json={"query": "{ customers { totalCount } }"})
        assert response.status_code == 200


def test_graphiql_is_off_by_default_in_production() -> None:
    assert Settings(env="production").graphiql_enabled is False
    assert Settings(env="development").graphiql_enabled is True
    assert Settings(env="production", graphiql=True).graphiql_enabled is True


async def test_oversized_bodies_are_refused_before_graphql(database: Database) -> None:
    settings = Settings(database=database.db.name, max_body_bytes=2_000)
    async with await http(settings, database) as api:
        padding = " " * 3_000
        response = await api.post(
            "/graphql",
            content=f'{{"query": "{{ customers {{ totalCount }} }}{padding}"}}',
            headers={"content-type": "application/json"},
        )
        assert response.status_code == 413
        assert response.json()["errors"][0]["extensions"]["code"] == "REQUEST_TOO_LARGE"

        async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it streams
            yield b'{"query": "{ customers { totalCount } }'
            for _ in range(5):
                yield b" " * 1_000
            yield b'"}'

        streamed = await api.post(
            "/graphql", content=chunks(), headers={"content-type": "application/json"}
        )
        assert streamed.status_code == 413


async def test_invalid_utf8_and_json_are_client_errors(api: httpx.AsyncClient) -> None:
    for body in (b'{"query": "\xff\xfe"}', b"{not json", b'{"query": {"$ne": 1}}'):
        response = await api.post(
            "/graphql", content=body, headers={"content-type": "application/json"}
        )
        assert response.status_code == 400, body


async def test_cors_allows_only_listed_origins(database: Database) -> None:
    settings = Settings(database=database.db.name, cors_origins="https://app.example.com")
    async with await http(settings, database) as api:
        preflight = {
            "access-control-request-method": "POST",
            "access-control-request-headers": "authorization, content-type",
        }
        allowed = await api.options(
            "/graphql", headers={"origin": "https://app.example.com", **preflight}
        )
        assert allowed.headers["access-control-allow-origin"] == "https://app.example.com"
        refused = await api.options(
            "/graphql", headers={"origin": "https://evil.example.com", **preflight}
        )
        assert "access-control-allow-origin" not in refused.headers


async def test_production_turns_introspection_off(database: Database) -> None:
    production = Settings(database=database.db.name, env="production")
    async with await http(production, database) as api:
        response = await api.post("/graphql", json={"query": "{ __schema { types { name } } }"})
        assert "introspection" in response.json()["errors"][0]["message"].lower()
    development = Settings(database=database.db.name)
    async with await http(development, database) as api:
        response = await api.post("/graphql", json={"query": "{ __schema { types { name } } }"})
        assert "errors" not in response.json()
