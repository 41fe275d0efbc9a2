"""Query cost: computed from the schema before running, capped, and reported on every response."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import parse

from app.core.db import Database
from app.core.settings import Settings
from app.graphql.cost import MUTATION_COST, operation_cost
from app.schema import create_schema
from tests.conftest import GraphQLClient


def cost(schema: strawberry.Schema, query: str, **variables: Any) -> int:
    return operation_cost(schema._schema, parse(query), None, variables)


def test_connections_multiply_what_they_select(schema: strawberry.Schema) -> None:
    assert cost(schema, "{ customers(first: 10) { totalCount } }") == 1
    # customers: 1 + 10 x (edges 1 + node 1 + orders (1 + 5 x (edges 1 + node 1)))
    nested = """{ customers(first: 10) { edges { node {
        orders(first: 5) { edges { node { number } } } } } } }"""
    assert cost(schema, nested) == 1 + 10 * (1 + 1 + (1 + 5 * 2))
    with_variable = "query($n: Int) { customers(first: $n) { edges { node { name } } } }"
    assert cost(schema, with_variable, n=50) == 1 + 50 * 2  # edges and node cost 1 each
    default_page = "{ customers { edges { node { name } } } }"
    assert cost(schema, default_page) == 1 + 20 * 2


def test_fragments_nodes_and_mutations(schema: strawberry.Schema) -> None:
    fragment = """query { tickets(last: 4) { ...T } } fragment T on TicketConnection {
        edges { node { customer { name } } } }"""
    assert cost(schema, fragment) == 1 + 4 * (1 + 1 + 1)
    nodes = '{ nodes(ids: ["a", "b", "c"]) { ... on Customer { name } } }'
    assert cost(schema, nodes) == 1 + 3 * 0
    mutation = """mutation { createTicket(input: {customerId: "x", type: FEEDBACK, channel: WEB,
        subject: "s", body: "b"}) { ticket { number } } }"""
    assert cost(schema, mutation) == 2 + MUTATION_COST


async def test_over_costly_query_is_refused_before_running(database: Database) -> None:
    settings = Settings(database=database.db.name, max_query_cost=100)
    client = GraphQLClient(create_schema(settings), database, settings)
    result = await client.execute(
        "{ customers(first: 100) { edges { node { orders(first: 100) { totalCount } } } } }"
    )
    assert result.data is None
    error = result.errors[0]
    assert error.extensions == {
        "code": "QUERY_TOO_COSTLY",
        "classification": "BAD_USER_INPUT",
        "cost": 301,
        "maximum": 100,
    }
    assert result.extensions["cost"] == {"requested": 301, "maximum": 100, "remaining": None}


async def test_every_response_reports_cost_and_remaining_budget(database: Database) -> None:
    settings = Settings(database=database.db.name, rate_limit_cost_per_minute=1000)
    client = GraphQLClient(create_schema(settings), database, settings)
    query = "{ customers(first: 10) { edges { node { name } } } }"
    first = (await client.execute(query)).extensions["cost"]
    second = (await client.execute(query)).extensions["cost"]
    assert first["requested"] == second["requested"] == 21
    assert first["maximum"] == 20_000
    assert first["remaining"] in (978, 979)  # the bucket refills a little between requests
    assert second["remaining"] < first["remaining"]
