"""Rate limits: a token bucket per caller in MongoDB, shared by every API process."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.auth.rate_limits import RateLimitRepository
from app.core.db import Database
from app.core.settings import Settings
from app.schema import create_schema
from tests.conftest import GraphQLClient


async def test_bucket_spends_refuses_and_refills(database: Database) -> None:
    buckets = RateLimitRepository(database.db)
    # Recent times: buckets idle for an hour expire (TTL index), as they would in MongoDB.
    now = datetime.now(UTC).replace(microsecond=0)
    assert (await buckets.take("k", 40, capacity=60, now=now)).remaining == 20
    refused = await buckets.take("k", 30, capacity=60, now=now)
    assert not refused.allowed
    assert refused.retry_after == 10.0  # 10 missing tokens at 1 token per second
    later = await buckets.take("k", 30, capacity=60, now=now + timedelta(seconds=10))
    assert later.allowed
    assert later.remaining == 0
    full = await buckets.take("k", 1, capacity=60, now=now + timedelta(minutes=5))
    assert full.remaining == 59  # never above capacity
    other = await buckets.take("another", 60, capacity=60, now=now)
    assert other.allowed


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
