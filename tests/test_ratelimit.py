"""Rate limits: a token bucket per caller in MongoDB, shared by every API process."""

from __future__ import annotations

import asyncio
import time

import pytest

from app.auth.rate_limits import RateLimitRepository, TokenLeases
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


async def test_a_lease_pays_many_requests_with_one_update(database: Database) -> None:
    buckets, leases = RateLimitRepository(database.db), TokenLeases()
    capacity = 6_000_000  # leases of 60,000; the bucket refills 100,000 a second
    started = time.monotonic()
    decisions = [await leases.take(buckets, "busy", 100, capacity) for _ in range(1_000)]
    refilled = (time.monotonic() - started) * capacity / 60
    assert all(decision.allowed for decision in decisions)
    state = await buckets.collection.find_one({"_id": "busy"})
    assert state is not None
    # Two leases paid for 100,000 points; the second one's leftover is still held here.
    assert capacity - 120_000 <= state["tokens"] <= capacity - 120_000 + refilled
    assert decisions[-1].remaining == pytest.approx(capacity - 100_000, abs=1_000 + refilled)
    # Settling comes out of the lease; a refund goes back into it.
    assert await leases.charge(buckets, "busy", 5_000, capacity) < decisions[-1].remaining
    await leases.charge(buckets, "busy", -5_000, capacity)
    after = await buckets.collection.find_one({"_id": "busy"})
    assert after is not None
    assert after["tokens"] == state["tokens"]  # no write: both settled in the lease


async def test_leases_never_refuse_while_the_bucket_and_the_lease_hold_the_price(
    database: Database,
) -> None:
    buckets, leases = RateLimitRepository(database.db), TokenLeases()
    capacity = 40_000  # leases of 400: four requests of 100; refills 667 a second
    started = time.monotonic()
    decisions = await asyncio.gather(
        *(leases.take(buckets, "scarce", 100, capacity) for _ in range(450))
    )
    refilled = (time.monotonic() - started) * capacity / 60 / 100  # requests' worth
    allowed = sum(decision.allowed for decision in decisions)
    # The whole budget, plus what refilled meanwhile (and a lease of slack) on a slow machine.
    assert 400 <= allowed <= 400 + max(20, refilled + 4)
    refused = next(decision for decision in decisions if not decision.allowed)
    assert 0 < refused.retry_after <= 100 / (capacity / 60)


async def test_two_processes_leasing_one_bucket_share_its_budget(database: Database) -> None:
    buckets = RateLimitRepository(database.db)
    first, second = TokenLeases(), TokenLeases()
    capacity = 40_000

    async def spend(leases: TokenLeases) -> int:
        decisions = [await leases.take(buckets, "shared", 100, capacity) for _ in range(300)]
        return sum(decision.allowed for decision in decisions)

    started = time.monotonic()
    together = sum(await asyncio.gather(spend(first), spend(second)))
    refilled = (time.monotonic() - started) * capacity / 60 / 100  # requests' worth
    # Each may be refused while the other holds at most one lease (4 requests) unspent; two
    # processes not sharing the budget would get about 800 between them.
    assert 400 - 8 <= together <= 400 + max(20, refilled + 8)


async def test_a_request_too_costly_for_a_lease_goes_to_the_bucket(database: Database) -> None:
    buckets, leases = RateLimitRepository(database.db), TokenLeases()
    capacity = 60_000  # leases of 600: a request of 200 is over a quarter of one
    assert (await leases.take(buckets, "big", 200, capacity)).allowed
    state = await buckets.collection.find_one({"_id": "big"})
    assert state is not None
    assert capacity - 200 <= state["tokens"] <= capacity - 200 + 50


async def test_a_process_holds_leases_for_a_bounded_number_of_callers(database: Database) -> None:
    buckets, leases = RateLimitRepository(database.db), TokenLeases(most=3)
    for caller in range(7):
        assert (await leases.take(buckets, f"caller-{caller}", 10, 10**6)).allowed
        assert len(leases) <= 3
    # A dropped lease is taken again on the caller's next request.
    assert (await leases.take(buckets, "caller-0", 10, 10**6)).allowed
