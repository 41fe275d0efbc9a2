"""Rate limits: a token bucket per caller in MongoDB, shared by every API process."""

from __future__ import annotations

import asyncio

from app.auth.rate_limits import RateLimitRepository
from app.core.db import Database
from app.core.settings import Settings
from app.schema import create_schema
from tests.conftest import GraphQLClient


async def test_bucket_spends_refuses_and_refills(database: Database) -> None:
    buckets = RateLimitRepository(database.db)
    capacity = 60_000  # 1,000 tokens a second
    assert (await buckets.take("k", 60_000, capacity=capacity)).allowed
    refused = await buckets.take("k", 50_000, capacity=capacity)
    assert not refused.allowed
    assert 49 < refused.retry_after <= 50  # the missing tokens at 1,000 a second
    await asyncio.sleep(0.1)  # refills about 100 tokens
    later = await buckets.take("k", 50, capacity=capacity)
    assert later.allowed
    assert later.remaining < 1_000
    other = await buckets.take("another", 60_000, capacity=capacity)
    assert other.allowed


async def test_concurrent_spends_are_exact_and_never_refused_while_tokens_remain(
    database: Database,
) -> None:
    buckets = RateLimitRepository(database.db)
    plenty = await asyncio.gather(*(buckets.take("plenty", 10, capacity=10**12) for _ in range(64)))
    assert all(decision.allowed for decision in plenty)
    scarce = await asyncio.gather(*(buckets.take("scarce", 1, capacity=30) for _ in range(40)))
    assert sum(decision.allowed for decision in scarce) == 30  # refill: 0.5 a second


async def test_concurrent_requests_of_one_caller_pass_within_budget(database: Database) -> None:
    settings = Settings(database=database.db.name, rate_limit_cost_per_minute=10**12)
    client = GraphQLClient(create_schema(settings), database, settings)
    results = await asyncio.gather(
        *(client.execute("{ customers(first: 5) { totalCount } }") for _ in range(64))
    )
    assert [result.errors for result in results] == [None] * 64


async def test_limit_holds_across_processes_and_reports_retry_after(database: Database) -> None:
    settings = Settings(database=database.db.name, rate_limit_cost_per_minute=45)
    # Two app processes: separate schemas and contexts, one database.
    first = GraphQLClient(create_schema(settings), database, settings)
    second = GraphQLClient(create_schema(settings), database, settings)
    query = "{ customers(first: 10) { edges { node { name } } } }"  # costs 21
    assert (await first.execute(query)).errors is None
    assert (await second.execute(query)).errors is None
    refused = await first.execute(query)
    assert refused.data is None
    error = refused.errors[0]
    assert error.extensions["code"] == "RATE_LIMITED"
    assert error.extensions["retryAfter"] >= 1
