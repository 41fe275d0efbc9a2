"""JWT bearer tokens of end users, verified against configured keys (PyJWT)."""

from __future__ import annotations

from typing import Any

import jwt
from bson import ObjectId
from bson.errors import InvalidId

from app.auth.roles import Principal, Role
from app.core.settings import Settings
from app.graphql.relay import InvalidGlobalId, decode_id


class InvalidToken(Exception):
    """The token is malformed, expired, badly signed, for another audience, or has no role."""


def _key_and_algorithms(settings: Settings) -> tuple[Any, list[str]]:
    if settings.jwt_public_key:
        return settings.jwt_public_key, ["RS256", "ES256"]
    if settings.jwt_secret is not None:
        return settings.jwt_secret.get_secret_value(), ["HS256"]
    raise InvalidToken("bearer tokens are not configured on this server")


def verify_token(token: str, settings: Settings) -> Principal:
    """The principal a valid token names; ``InvalidToken`` otherwise."""
    key, algorithms = _key_and_algorithms(settings)
    required = ["exp", "sub"]
    if settings.jwt_issuer:
        required.append("iss")
    if settings.jwt_audience:
        required.append("aud")
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=algorithms,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            options={"require": required},
        )
    except jwt.PyJWTError as error:
        raise InvalidToken(str(error)) from None
    try:
        role = Role(str(claims.get(settings.jwt_role_claim, "")).upper())
    except ValueError:
        raise InvalidToken(f"the token's {settings.jwt_role_claim!r} claim is not a role") from None
    subject = str(claims["sub"])
    name = str(claims.get(settings.jwt_name_claim) or subject)
    customer = _customer(claims, settings) if role is Role.CUSTOMER else None
    return Principal(
        kind="user", id=subject[:200], name=name[:200], role=role, customer_id=customer
    )


def _customer(claims: dict[str, Any], settings: Settings) -> str:
    """The customer a CUSTOMER token names: a Customer ID, or the record's 24-hex ObjectId."""
    value = claims.get(settings.jwt_customer_claim)
    if not isinstance(value, str):
        raise InvalidToken(f"a CUSTOMER token needs the {settings.jwt_customer_claim!r} claim")
    try:
        return str(decode_id(value, "Customer"))
    except InvalidGlobalId:
        pass
    try:
        return str(ObjectId(value))
    except (InvalidId, TypeError):
        raise InvalidToken(
            f"the token's {settings.jwt_customer_claim!r} claim is not a Customer ID"
        ) from None
