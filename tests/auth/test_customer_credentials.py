"""How a customer signs in (a token whose claim names them) and what cannot stand for one; and
the customer view's table, checked against the schema and the permissions declared."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
import pytest
import strawberry
from bson import ObjectId
from graphql import parse, validate

from app.auth.roles import Role
from app.graphql.customer_view import CUSTOMER_FIELDS, customer_errors
from app.graphql.permissions import declared_roles
from app.graphql.relay import decode_id, encode_id
from tests import factories
from tests.auth.test_permissions import PERMISSIONS
from tests.conftest import JWT_SECRET, GraphQLClient

AsRole = Callable[[Role | None], Awaitable[GraphQLClient]]


def token(**claims: Any) -> str:
    base = {
        "sub": "portal-user",
        "role": "CUSTOMER",
        "exp": datetime.now(UTC) + timedelta(minutes=5),
    }
    return jwt.encode({**base, **claims}, JWT_SECRET, algorithm="HS256")


async def viewer(anonymous: GraphQLClient, bearer: str) -> Any:
    client = GraphQLClient(anonymous.schema, anonymous.database, anonymous.settings, bearer)
    return await client.execute("{ viewer { role customer { name } } }")


async def test_the_claim_names_the_customer_by_id_or_object_id(as_role: AsRole) -> None:
    manager, anonymous = await as_role(Role.MANAGER), await as_role(None)
    ada = await factories.customer(manager, "Ada Lovelace")
    for claim in (ada["id"], str(decode_id(ada["id"], "Customer"))):
        result = await viewer(anonymous, f"Bearer {token(customer_id=claim)}")
        assert result.errors is None
        assert result.data == {"viewer": {"role": "CUSTOMER", "customer": {"name": "Ada Lovelace"}}}


@pytest.mark.parametrize(
    "claims",
    [
        {},  # no customer claim
        {"customer_id": "not-an-id"},
        {"customer_id": 42},
        {"customer_id": encode_id("Order", ObjectId())},  # an ID of something else
        {"customerId": str(ObjectId())},  # the claim under another name
    ],
)
async def test_a_customer_token_without_a_valid_customer_claim_is_unauthenticated(
    as_role: AsRole, claims: dict[str, Any]
) -> None:
    result = await viewer(await as_role(None), f"Bearer {token(**claims)}")
    assert [(e.extensions or {}).get("code") for e in result.errors] == ["UNAUTHENTICATED"]
    assert result.data is None


async def test_the_claim_name_is_configurable(as_role: AsRole) -> None:
    manager, anonymous = await as_role(Role.MANAGER), await as_role(None)
    ada = await factories.customer(manager, "Ada Lovelace")
    settings = anonymous.settings.model_copy(update={"jwt_customer_claim": "crm_customer"})
    client = GraphQLClient(anonymous.schema, anonymous.database, settings)
    result = await viewer(client, f"Bearer {token(crm_customer=ada['id'])}")
    assert result.data == {"viewer": {"role": "CUSTOMER", "customer": {"name": "Ada Lovelace"}}}
    result = await viewer(client, f"Bearer {token(customer_id=ada['id'])}")
    assert result.data is None  # the default claim no longer counts


async def test_no_api_key_stands_for_a_customer(as_role: AsRole) -> None:
    admin = await as_role(Role.ADMIN)
    data = await admin(
        """mutation { createApiKey(input: {name: "portal", role: CUSTOMER}) {
             key apiKey { id } userErrors { field code } } }"""
    )
    assert data["createApiKey"] == {
        "key": None,
        "apiKey": None,
        "userErrors": [{"field": "role", "code": "INVALID"}],
    }
    assert (await admin("{ apiKeys { name } }"))["apiKeys"] == [{"name": "ADMIN key"}]


def test_every_row_of_the_customer_view_names_a_field_of_the_schema(
    schema: strawberry.Schema,
) -> None:
    types = schema._schema.type_map
    missing = sorted(
        f"{type_name}.{field}"
        for type_name, names in CUSTOMER_FIELDS.items()
        for field in names
        if type_name not in types or field not in getattr(types[type_name], "fields", {})
    )
    assert missing == []


def test_the_customer_view_roots_are_the_fields_that_allow_customers(
    schema: strawberry.Schema,
) -> None:
    to_graphql = schema.config.name_converter.get_graphql_name
    allowing = set()
    for kind in ("Query", "Mutation", "Subscription"):
        definition = schema.get_type_by_name(kind)
        assert definition is not None
        for field in definition.fields:
            roles = declared_roles(field.extensions)
            if roles is not None and Role.CUSTOMER in roles:
                allowing.add((kind, to_graphql(field)))
    listed = {
        (kind, name)
        for kind in ("Query", "Mutation", "Subscription")
        for name in CUSTOMER_FIELDS.get(kind, ())
    }
    assert listed == allowing
    assert listed == {key for key, roles in PERMISSIONS.items() if Role.CUSTOMER in roles}


def test_the_portal_example_selects_only_what_a_customer_may(schema: strawberry.Schema) -> None:
    text = Path(__file__).parents[2] / "schema" / "operations" / "customer_portal.graphql"
    document = parse(text.read_text())
    assert validate(schema._schema, document) == []
    assert customer_errors(schema._schema, document) == []
    # and the check is not vacuous: one field more is refused
    extra = parse(text.read_text().replace("assignee { name }", "assignee { name email }"))
    assert [e.message for e in customer_errors(schema._schema, extra)] == [
        "Forbidden: a customer cannot select Agent.email."
    ]
