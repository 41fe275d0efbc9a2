"""API keys: shown once, stored hashed, revocable; by GraphQL and by the CLI."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import pytest

from app.__main__ import main
from app.auth.repository import ApiKeyRepository
from app.auth.roles import Role
from app.auth.service import ApiKeyService, hash_key
from app.core.db import Database
from app.core.settings import Settings
from tests.conftest import GraphQLClient

CREATE = """mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) {
    key apiKey { id prefix name role revokedAt } userErrors { field code } } }"""
REVOKE = """mutation($id: ID!) { revokeApiKey(id: $id) {
    apiKey { revokedAt } userErrors { field code } } }"""


async def test_key_is_stored_only_as_a_hash(database: Database) -> None:
    document, key = await ApiKeyService(database.db).create("reporting", Role.ANALYST)
    stored = await database.db.api_keys.find_one({"_id": document["_id"]})
    assert stored is not None
    assert key.startswith(stored["prefix"] + "_")
    assert stored["hash"] == hash_key(key)
    assert key not in str(stored)


async def test_admin_creates_lists_and_revokes_keys_over_graphql(
    as_role: Callable[[Role | None], Awaitable[GraphQLClient]], production: Settings
) -> None:
    admin = await as_role(Role.ADMIN)
    data = await admin(CREATE, input={"name": "web app", "role": "AGENT"})
    created = data["createApiKey"]
    assert created["userErrors"] == []
    assert created["apiKey"]["role"] == "AGENT"
    key = created["key"]
    agent = GraphQLClient(admin.schema, admin.database, production, f"Bearer {key}")
    assert (await agent("{ viewer { name role kind } }"))["viewer"] == {
        "name": "web app",
        "role": "AGENT",
        "kind": "api_key",
    }
    listed = await admin("{ apiKeys { prefix name revokedAt } }")
    assert {"prefix": created["apiKey"]["prefix"], "name": "web app", "revokedAt": None} in listed[
        "apiKeys"
    ]
    assert key not in str(listed)
    revoked = await admin(REVOKE, id=created["apiKey"]["id"])
    assert revoked["revokeApiKey"]["apiKey"]["revokedAt"] is not None
    errors = await agent.errors("{ viewer { role } }")
    assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED"
    again = await admin(REVOKE, id=created["apiKey"]["id"])
    assert again["revokeApiKey"]["userErrors"] == [{"field": "id", "code": "INVALID_TRANSITION"}]


async def test_blank_key_name_is_a_user_error(
    as_role: Callable[[Role | None], Awaitable[GraphQLClient]],
) -> None:
    admin = await as_role(Role.ADMIN)
    data = await admin(CREATE, input={"name": " ", "role": "AGENT"})
    assert data["createApiKey"]["userErrors"] == [{"field": "name", "code": "REQUIRED"}]
    assert data["createApiKey"]["key"] is None


@pytest.mark.parametrize(
    "header",
    [
        "Bearer crm_00000000_notarealkey",
        "Bearer crm_",
        "Basic dXNlcjpwYXNz",
        "Bearer",
        "Bearer not-a-jwt",
    ],
)
async def test_bad_credentials_are_unauthenticated(
    header: str,
    as_role: Callable[[Role | None], Awaitable[GraphQLClient]],
    production: Settings,
) -> None:
    nobody = await as_role(None)
    client = GraphQLClient(nobody.schema, nobody.database, production, header)
    errors = await client.errors("{ customers { totalCount } }")
    assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_tampered_secret_with_a_real_prefix_is_refused(database: Database) -> None:
    service = ApiKeyService(database.db)
    _, key = await service.create("ci", Role.MANAGER)
    assert (await service.authenticate(key)) is not None
    assert (await service.authenticate(key[:-1] + ("A" if key[-1] != "A" else "B"))) is None


def test_cli_creates_and_revokes_keys(
    mongo_url: str,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("CRM_MONGODB_URL", mongo_url)
    monkeypatch.setenv("CRM_DATABASE", settings.database + "_keys")
    assert main(["create-api-key", "--name", "etl", "--role", "MANAGER"]) == 0
    out = capsys.readouterr().out.splitlines()
    key = out[-1]
    prefix = key[:12]
    assert key.startswith("crm_")
    assert prefix in out[0]
    assert main(["revoke-api-key", prefix]) == 0
    assert main(["revoke-api-key", prefix]) == 1
    assert "already revoked" in capsys.readouterr().err
    assert main(["revoke-api-key", "crm_ffffffff"]) == 1
    with pytest.raises(SystemExit) as exit_info:
        main(["create-api-key", "--name", "x", "--role", "OWNER"])
    assert exit_info.value.code == 2


async def test_keys_and_tokens_never_reach_the_logs(
    as_role: Callable[[Role | None], Awaitable[GraphQLClient]],
    production: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level("DEBUG")
    admin = await as_role(Role.ADMIN)
    created = await admin(CREATE, input={"name": "logged", "role": "MANAGER"})
    key = created["createApiKey"]["key"]
    user = GraphQLClient(admin.schema, admin.database, production, f"Bearer {key}")
    await user("{ viewer { role } }")
    forged = GraphQLClient(admin.schema, admin.database, production, "Bearer eyJhbGciOi.forged.x")
    await forged.errors("{ viewer { role } }")
    assert key not in caplog.text
    assert key[len("crm_12345678_") :] not in caplog.text
    assert "eyJhbGciOi.forged.x" not in caplog.text


async def test_a_checked_key_is_trusted_for_a_few_seconds_unless_revoked_here(
    database: Database,
) -> None:
    service = ApiKeyService(database.db)
    _, key = await service.create("mobile", Role.AGENT)
    seen = await service.authenticate(key, cache_seconds=0.3)
    assert seen is not None
    # Revoked by another process (straight in the database): trusted until the entry expires.
    await ApiKeyRepository(database.db).revoke({"prefix": seen.id}, datetime.now(UTC))
    await database.db.api_keys.delete_many({})  # and no lookup could find it either
    assert await service.authenticate(key, cache_seconds=0.3) == seen
    await asyncio.sleep(0.35)
    assert await service.authenticate(key, cache_seconds=0.3) is None
    # Revoked in this process: refused at once.
    _, other = await service.create("web", Role.AGENT)
    principal = await service.authenticate(other, cache_seconds=60)
    assert principal is not None
    await service.revoke_by_prefix(principal.id)
    assert await service.authenticate(other, cache_seconds=60) is None
    # Without a cache time every request looks the key up.
    _, third = await service.create("etl", Role.AGENT)
    assert await service.authenticate(third) is not None
    await database.db.api_keys.delete_many({})
    assert await service.authenticate(third) is None
