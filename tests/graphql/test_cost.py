"""Query cost: computed from the schema before running, capped, and reported on every response."""

from __future__ import annotations

import asyncio
import math
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import strawberry
from graphql import parse

from app.auth.rate_limits import RateLimitRepository
from app.core.db import Database
from app.core.settings import Settings
from app.customers.models import new_customer
from app.graphql.cost import ESTIMATES, MUTATION_COST, Price, operation_cost
from app.graphql.relay import encode_id
from app.jobs.models import JobKind
from app.jobs.repository import JobRepository
from app.schema import create_schema
from tests.conftest import GraphQLClient


def cost(schema: strawberry.Schema, query: str, **variables: Any) -> int:
    return operation_cost(schema._schema, parse(query), None, variables).requested


def test_connections_multiply_what_they_select(schema: strawberry.Schema) -> None:
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
        "cost": 1301,
        "maximum": 100,
    }
    assert result.extensions["cost"] == {
        "requested": 1301,
        "actual": None,  # it did not run
        "maximum": 100,
        "remaining": None,
    }


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


def price(schema: strawberry.Schema, query: str) -> Price:
    return operation_cost(schema._schema, parse(query), None, {})


def test_counts_and_summaries_are_priced_at_an_estimate(schema: strawberry.Schema) -> None:
    count = ESTIMATES["totalCount"]
    assert price(schema, "{ customers(first: 10) { totalCount } }") == Price(1 + count, count)
    # A count per customer: each one is estimated; pageInfo is priced once, not per node.
    nested = """{ customers(first: 10) { pageInfo { hasNextPage }
        edges { node { orders(first: 5) { totalCount } } } } }"""
    assert price(schema, nested) == Price(1 + 1 + 10 * (1 + 1 + 1 + count), 10 * count)
    summary = ESTIMATES["feedbackSummary"]
    assert price(schema, "{ feedbackSummary { tags { tag } } }") == Price(summary + 2, summary)


def budgeted(database: Database, capacity: int) -> GraphQLClient:
    settings = Settings(database=database.db.name, rate_limit_cost_per_minute=capacity)
    return GraphQLClient(create_schema(settings), database, settings)


async def test_a_count_is_settled_at_what_it_read(database: Database) -> None:
    now = datetime.now(UTC)
    people = [
        new_customer({"name": f"C{i}", "email": f"c{i}@example.com"}, now) for i in range(2_500)
    ]
    await database.db["customers"].insert_many(people)
    client = budgeted(database, capacity=600)  # refills 10 points a second
    started = time.monotonic()
    big = await client.execute("{ customers(first: 1) { totalCount } }")
    refilled = math.ceil((time.monotonic() - started) * 10)
    assert big.data == {"customers": {"totalCount": 2_500}}
    cost = big.extensions["cost"]
    assert (cost["requested"], cost["actual"]) == (11, 1 + 25)  # one point per 100 counted
    assert 600 - 26 <= cost["remaining"] <= 600 - 26 + refilled  # it paid the difference
    small = (await client.execute("{ products(first: 1) { totalCount } }")).extensions["cost"]
    assert (small["requested"], small["actual"]) == (11, 1 + 1)  # refunded what it did not do
    state = await RateLimitRepository(database.db).collection.find_one({})
    refilled = math.ceil((time.monotonic() - started) * 10)
    assert state is not None
    assert 600 - 26 - 2 <= state["tokens"] <= 600 - 26 - 2 + refilled


async def test_a_summary_is_settled_at_the_tickets_it_read(database: Database) -> None:
    created = datetime.now(UTC) - timedelta(days=1)
    sentiment = {"label": "NEGATIVE", "score": -0.5}
    await database.db["tickets"].insert_many(
        [
            {"number": f"T-{i}", "createdAt": created, "sentiment": sentiment, "tags": []}
            for i in range(300)
        ]
    )
    client = budgeted(database, capacity=10_000)
    result = await client.execute("{ feedbackSummary { tags { tag } } }")
    assert result.errors is None
    cost = result.extensions["cost"]
    requested = ESTIMATES["feedbackSummary"] + 2
    assert cost["requested"] == requested
    assert cost["actual"] == requested - ESTIMATES["feedbackSummary"] + 2 * 300 // 10


async def test_a_subscription_pays_per_event_and_ends_when_the_budget_runs_dry(
    database: Database,
) -> None:
    client = budgeted(database, capacity=12)  # a point every five seconds
    queue = JobRepository(database.db)
    job = await queue.enqueue(JobKind.IMPORT, {}, datetime.now(UTC))
    events = await client.schema.subscribe(
        "subscription($id: ID!) { jobProgress(id: $id) { status progress { done } } }",
        variable_values={"id": encode_id("Job", job["_id"])},
        context_value=client.context(),
    )
    assert hasattr(events, "__anext__")
    received = []
    for step in range(12):  # each event costs 2 points, and the polls before it 1 each
        event = await asyncio.wait_for(anext(events), 5)
        received.append(event)
        if event.errors:
            break
        await queue.collection.update_one(
            {"_id": job["_id"]},
            {"$set": {"progress": {"done": step}, "updatedAt": datetime.now(UTC)}},
        )
    *paid, refused = received
    assert all(event.errors is None for event in paid)
    assert 3 <= len(paid) <= 5
    assert refused.errors[0].extensions["code"] == "RATE_LIMITED"
    with pytest.raises(StopAsyncIteration):
        await asyncio.wait_for(anext(events), 5)
