"""Bad requests are refused before anything runs: page sizes, depth, unknown enum values."""

from __future__ import annotations

import pytest

from app.auth.roles import Role
from app.auth.service import ApiKeyService
from app.core.db import Database
from app.core.settings import Settings
from app.customers.repository import CustomerRepository
from app.schema import create_schema
from tests import factories
from tests.conftest import GraphQLClient


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ("{ customers(first: 101) { totalCount } }", {}),
        ("{ tickets(last: 1000) { totalCount } }", {}),
        ("{ products(first: -1) { totalCount } }", {}),
        ("query($n: Int) { orders(first: $n) { totalCount } }", {"n": 500}),
        (
            "query($n: Int) { customers(first: 1) { edges { node {"
            " orders(first: $n) { totalCount } } } } }",
            {"n": 101},
        ),
    ],
)
async def test_page_size_over_maximum_is_a_validation_error(
    gql: GraphQLClient, query: str, variables: dict[str, object]
) -> None:
    errors = await gql.errors(query, **variables)
    assert errors[0]["extensions"]["code"] == "PAGE_SIZE_OUT_OF_RANGE"
    assert "100" in errors[0]["message"]


async def test_page_size_check_sees_new_variables_of_a_cached_query(gql: GraphQLClient) -> None:
    query = "query($n: Int) { customers(first: $n) { totalCount } }"
    assert (await gql(query, n=100))["customers"]["totalCount"] == 0
    errors = await gql.errors(query, n=101)
    assert errors[0]["extensions"]["code"] == "PAGE_SIZE_OUT_OF_RANGE"


async def test_over_deep_query_is_refused(gql: GraphQLClient) -> None:
    selection = "number"
    for _ in range(3):  # each round adds four levels: customer, orders, edges, node
        selection = f"customer {{ orders {{ edges {{ node {{ {selection} }} }} }} }}"
    deep = f"{{ orders {{ edges {{ node {{ {selection} }} }} }} }}"
    errors = await gql.errors(deep)
    assert "exceeds maximum operation depth" in errors[0]["message"]


async def test_unknown_enum_value_is_a_validation_error_and_writes_nothing(
    gql: GraphQLClient,
) -> None:
    errors = await gql.errors(
        factories.CREATE_CUSTOMER, input={"name": "A", "email": "a@b.co", "lifecycleStage": "VIP"}
    )
    assert "LifecycleStage" in errors[0]["message"]
    assert (await gql("{ customers { totalCount } }"))["customers"]["totalCount"] == 0


async def test_wrong_type_in_filter_is_a_validation_error(gql: GraphQLClient) -> None:
    errors = await gql.errors(
        "query($f: CustomerFilter) { customers(filter: $f) { totalCount } }",
        f={"name": {"eq": {"$ne": ""}}},
    )
    assert "String cannot represent a non string value" in errors[0]["message"]


async def test_oversized_filter_lists_are_refused(gql: GraphQLClient) -> None:
    errors = await gql.errors(
        "query($f: CustomerFilter) { customers(filter: $f) { totalCount } }",
        f={"email": {"in": [f"{i}@x.io" for i in range(101)]}},
    )
    assert errors[0]["extensions"]["code"] == "INVALID_FILTER"


async def test_production_masks_unexpected_errors_but_not_expected_ones(
    gql: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*_: object) -> None:
        raise RuntimeError("secret connection string mongodb://user:pw@db")

    settings = Settings(env="production", database=gql.settings.database)
    _, key = await ApiKeyService(gql.database.db).create("ops", Role.MANAGER)
    production = GraphQLClient(create_schema(settings), gql.database, settings, f"Bearer {key}")
    monkeypatch.setattr(CustomerRepository, "page", broken)
    errors = await production.errors("{ customers { totalCount } }")
    assert errors[0]["message"].startswith("Unexpected error (request ")
    assert errors[0]["extensions"]["code"] == "INTERNAL"
    assert "mongodb://" not in str(errors)
    errors = await production.errors('{ customer(id: "bad") { name } }')
    assert errors[0]["extensions"]["code"] == "INVALID_ID"
    errors = await production.errors("{ customers(first: 500) { totalCount } }")
    assert errors[0]["extensions"]["code"] == "PAGE_SIZE_OUT_OF_RANGE"


async def test_too_many_aliases_and_tokens_are_refused(database: Database) -> None:
    settings = Settings(database=database.db.name, max_aliases=3, max_tokens=200)
    client = GraphQLClient(create_schema(settings), database, settings)
    aliases = "{ " + " ".join(f"a{i}: customers {{ totalCount }}" for i in range(4)) + " }"
    errors = await client.errors(aliases)
    assert "aliases" in errors[0]["message"]
    tokens = "{ customers { " + "totalCount " * 300 + "} }"
    errors = await client.errors(tokens)
    assert "token" in errors[0]["message"].lower()


async def test_refused_input_is_not_logged_as_an_error_but_failures_are(
    gql: GraphQLClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    await gql.errors('{ customer(id: "bad") { name } }')
    await gql.errors("{ customers(first: 500) { totalCount } }")
    assert [r for r in caplog.records if r.levelname == "ERROR"] == []

    async def broken(*_: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(CustomerRepository, "page", broken)
    await gql.errors("{ customers { totalCount } }")
    assert "disk on fire" in "".join(
        r.getMessage() for r in caplog.records if r.levelname == "ERROR"
    )


async def test_over_long_search_and_segment_lists_are_refused(gql: GraphQLClient) -> None:
    for search in ("x" * 201, " ".join(["word"] * 21)):
        errors = await gql.errors(
            "query($q: String) { customers(search: $q) { totalCount } }", q=search
        )
        assert errors[0]["extensions"]["code"] == "INVALID_FILTER"
    run_id = "U2VnbWVudGF0aW9uUnVuOjY1NGIxYzJkM2U0ZjVhNmI3YzhkOWUwZg"
    errors = await gql.errors(
        "query($f: CustomerFilter) { customers(filter: $f) { totalCount } }",
        f={"segment": {"runId": run_id, "keys": [f"s{i}" for i in range(101)]}},
    )
    assert errors[0]["extensions"]["code"] == "INVALID_FILTER"
