"""JWT bearer tokens: signature, expiry, issuer, audience and the role claim are all checked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from app.core.db import Database
from app.core.settings import Settings
from app.schema import create_schema
from tests.conftest import GraphQLClient

SECRET = "test-secret-that-is-long-enough-for-hs256"


def claims(**overrides: Any) -> dict[str, Any]:
    base = {
        "sub": "user-42",
        "name": "Mei Chen",
        "role": "agent",
        "iss": "https://id.example.com",
        "aud": "crm",
        "exp": datetime.now(UTC) + timedelta(minutes=5),
    }
    return {k: v for k, v in {**base, **overrides}.items() if v is not None}


def jwt_settings(database: Database, **extra: Any) -> Settings:
    return Settings(
        env="production",
        database=database.db.name,
        jwt_issuer="https://id.example.com",
        jwt_audience="crm",
        jwt_name_claim="name",
        **extra,
    )


async def viewer(settings: Settings, database: Database, token: str) -> Any:
    client = GraphQLClient(create_schema(settings), database, settings, f"Bearer {token}")
    return await client.execute("{ viewer { name role kind } }")


async def test_valid_hs256_token_names_the_user_and_role(database: Database) -> None:
    settings = jwt_settings(database, jwt_secret=SECRET)
    result = await viewer(settings, database, jwt.encode(claims(), SECRET, algorithm="HS256"))
    assert result.errors is None
    assert result.data == {"viewer": {"name": "Mei Chen", "role": "AGENT", "kind": "user"}}


@pytest.mark.parametrize(
    "token_claims",
    [
        claims(exp=datetime.now(UTC) - timedelta(seconds=5)),
        claims(exp=None),
        claims(aud="another-app"),
        claims(iss="https://evil.example.com"),
        claims(role="superuser"),
        claims(role=None),
        claims(sub=None),
    ],
    ids=["expired", "no-exp", "audience", "issuer", "unknown-role", "no-role", "no-subject"],
)
async def test_invalid_claims_are_refused(database: Database, token_claims: dict[str, Any]) -> None:
    settings = jwt_settings(database, jwt_secret=SECRET)
    result = await viewer(settings, database, jwt.encode(token_claims, SECRET, algorithm="HS256"))
    assert result.errors[0].extensions["code"] == "UNAUTHENTICATED"


async def test_wrong_signature_and_none_algorithm_are_refused(database: Database) -> None:
    settings = jwt_settings(database, jwt_secret=SECRET)
    forged = jwt.encode(claims(role="admin"), "another-secret-of-sufficient-length", "HS256")
    unsigned = jwt.encode(claims(role="admin"), key=None, algorithm="none")
    for token in (forged, unsigned):
        result = await viewer(settings, database, token)
        assert result.errors[0].extensions["code"] == "UNAUTHENTICATED"


async def test_es256_with_a_public_key(database: Database) -> None:
    private_key = ec.generate_private_key(ec.SECP256R1())
    public_pem = private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    settings = jwt_settings(database, jwt_public_key=public_pem.decode())
    token = jwt.encode(claims(role="ANALYST"), private_key, algorithm="ES256")
    result = await viewer(settings, database, token)
    assert result.errors is None
    assert result.data["viewer"]["role"] == "ANALYST"
    # An HS256 token signed with the public key text must not pass (algorithm confusion).
    confused = jwt.encode(claims(role="ADMIN"), SECRET, algorithm="HS256")
    assert (await viewer(settings, database, confused)).errors[0].extensions["code"] == (
        "UNAUTHENTICATED"
    )


async def test_tokens_are_refused_when_not_configured(database: Database) -> None:
    settings = jwt_settings(database)
    result = await viewer(settings, database, jwt.encode(claims(), SECRET, algorithm="HS256"))
    assert result.errors[0].extensions["code"] == "UNAUTHENTICATED"
