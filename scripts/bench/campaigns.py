"""Campaign benchmark: assignment hashing, the assignment job over an audience, campaignResults
over a growing events collection, recordCampaignEvents (1,000 events a call) as that collection
grows, and assignment lookups by ``_id``.

    .venv/bin/python scripts/bench/campaigns.py [--hash-ids 1000000] [--customers 100000] \
        [--event-sizes 10000 100000 1000000] [--synthetic-events 1000000] \
        [--lookup-sizes 1000 10000 100000] [--load-seconds 900] [--engine sqlite|memory]

In memory (no store): ``Assigner.variants`` over --hash-ids customer IDs, the job's assignment
documents for them, and ``_results`` (the CPU part of campaignResults) over --synthetic-events
events shaped as the per-customer aggregation returns them (4 events a customer, 10% of them
with an order in the window, a 5% holdout).

On the embedded store (a temporary data file, a `crm db` process as the app runs it), or on
MongoDB when CRM_MONGODB_URL is set: --customers customers written in batches of 1,000, a
running campaign (two variants, 5% holdout) whose CAMPAIGN_ASSIGNMENT job is run by the worker,
then, at each of --event-sizes, the events collection filled to that size in batches of 1,000
through the repository, --record-calls recordCampaignEvents calls of 1,000 new events timed
through the GraphQL schema (in process, as an anonymous development admin), and campaignResults
timed whole and by part. Loading stops at --load-seconds (each part has its own budget); the
sizes reached are printed. Last, ``CampaignAssignmentRepository.of`` for 1,000 customers
against --lookup-sizes assignments, with ObjectId ``_id``s (as stored) and with the text
``_id``s ``"<campaign>:<customer>"`` they replaced, and by ``{campaignId, customerId: {$in}}``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bson import ObjectId  # noqa: E402
from measure import Counter  # noqa: E402  (beside this script)

from app.campaigns.assignment import Assigner  # noqa: E402
from app.campaigns.models import HOLDOUT  # noqa: E402
from app.campaigns.repository import (  # noqa: E402
    CampaignAssignmentRepository,
    CampaignEventRepository,
    assignment_document,
    event_id,
)
from app.campaigns.results import _results  # noqa: E402
from app.core.batches import chunks  # noqa: E402
from app.core.db import Database, Document  # noqa: E402
from app.core.settings import Settings  # noqa: E402
from app.customers.repository import CustomerRepository  # noqa: E402
from app.graphql.context import Context  # noqa: E402
from app.graphql.relay import decode_id, encode_id  # noqa: E402
from app.jobs.models import JobKind  # noqa: E402
from app.jobs.repository import JobRepository  # noqa: E402
from app.jobs.worker import Worker  # noqa: E402
from app.orders.repository import OrderRepository  # noqa: E402
from app.repositories import REPOSITORIES  # noqa: E402
from app.schema import HANDLERS, create_schema  # noqa: E402

NOW = datetime.now(UTC).replace(microsecond=0)
START = NOW - timedelta(days=30)
BATCH = 1_000
EVENTS_PER_CUSTOMER = ("EXPOSED", "OPENED", "CLICKED", "CONVERTED")
CALL_LIMIT_SECONDS = 120.0  # a single call slower than this stops that part from growing
VARIANTS = [{"key": "control", "weight": 0.5}, {"key": "b", "weight": 0.5}]
CAMPAIGN = {"name": "Bench offer", "channel": "EMAIL", "variants": VARIANTS,
            "startAt": START.isoformat(), "currency": "USD", "holdoutPercent": 5.0}  # fmt: skip

CREATE = """mutation($input: CreateCampaignInput!) { createCampaign(input: $input) {
  campaign { id seed } userErrors { field code message } } }"""
START_CAMPAIGN = """mutation($id: ID!) { startCampaign(id: $id) {
  campaign { id status } userErrors { field code message } } }"""
RECORD = """mutation($id: ID!, $events: [CampaignEventInput!]!) {
  recordCampaignEvents(campaignId: $id, events: $events) {
    recorded duplicates userErrors { field code message } } }"""
RESULTS = """query($id: ID!) { campaignResults(campaignId: $id) {
  srmPValue recommendation reason
  variants { key assigned exposed opened clicked conversions conversionRate
             revenue { amount } conversionLift { relativeLift pValue sequentialSignificant } }
  holdout { key exposed conversions } } }"""


def seconds(call: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = call()
    return time.perf_counter() - started, value


async def aseconds(call: Awaitable[Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = await call
    return time.perf_counter() - started, value


# In memory -----------------------------------------------------------------------------------


def hashing(n: int) -> None:
    ids = [ObjectId() for _ in range(n)]
    texts = [str(i) for i in ids]
    assigner = Assigner("bench-seed", ["control", "b"], [0.5, 0.5], 5.0)
    took, variants = seconds(lambda: assigner.variants(texts))
    print(f"  Assigner.variants, {n:,} IDs: {took:.2f} s ({took / n * 1e6:.2f} µs an ID)")
    campaign = ObjectId()
    built, _ = seconds(
        lambda: [
            assignment_document(campaign, c, v, NOW, "hash")
            for c, v in zip(ids, variants, strict=True)
        ]
    )
    print(f"  assignment documents (the job's list), {n:,}: {built:.2f} s")
    share = sum(v == HOLDOUT for v in variants) / n
    print(f"  holdout share {share:.4f} (asked 0.05)")


def synthetic_results(events: int) -> None:
    """``_results`` over what ``per_customer`` returns for ``events`` events (4 a customer)."""
    rng = random.Random(5)
    customers = events // len(EVENTS_PER_CUSTOMER)
    per_customer: list[Document] = []
    orders: list[Document] = []
    for i in range(customers):
        customer = ObjectId()
        exposed = START + timedelta(days=1, minutes=i % 10_000)
        converted = rng.random() < 0.1
        per_customer.append({
            "_id": customer, "variant": VARIANTS[i % 2]["key"], "exposedAt": exposed,
            "openedAt": exposed + timedelta(hours=1), "clickedAt": exposed + timedelta(hours=2),
            "convertedAt": exposed + timedelta(hours=3) if converted else None,
            "revenue": rng.randint(2_000, 8_000) if converted else 0,
        })  # fmt: skip
        if converted:
            at = exposed + timedelta(days=rng.uniform(0.1, 13))
            orders.append({"customerId": customer, "placedAt": at, "total": 4_000})
    holdout_ids = [ObjectId() for _ in range(customers // 19)]
    for customer in holdout_ids[: len(holdout_ids) // 10]:
        orders.append({"customerId": customer, "placedAt": START + timedelta(days=3),
                       "total": 4_000})  # fmt: skip
    campaign = {"_id": ObjectId(), "currency": "USD", "windowDays": 14, "startAt": START,
                "holdoutPercent": 5.0, "goal": "ORDER", "status": "RUNNING", "endAt": None,
                "variants": [{**v, "name": v["key"]} for v in VARIANTS]}  # fmt: skip
    reported = [
        {"customerId": d["_id"], "at": d["convertedAt"], "revenue": d["revenue"]}
        for d in per_customer
        if d["convertedAt"] is not None
    ]
    held_out = [{"customerId": c, "assignedAt": START} for c in holdout_ids]
    sizes = {"control": customers // 2, "b": customers - customers // 2, HOLDOUT: len(holdout_ids)}
    took, result = seconds(
        lambda: _results(campaign, per_customer, reported, held_out, orders, sizes, NOW)
    )
    print(
        f"  _results: {events:,} events = {customers:,} customers × 4, {len(orders):,} orders, "
        f"{len(holdout_ids):,} holdout: {took:.2f} s ({result.recommendation.name})"
    )


# On the store --------------------------------------------------------------------------------


class Bench:
    def __init__(self, database: Database, settings: Settings, counter: Counter) -> None:
        self.database = database
        self.db = database.db
        self.settings = settings
        self.counter = counter
        self.schema = create_schema(settings)
        self.customers: list[ObjectId] = []
        self.assigned: list[tuple[ObjectId, str]] = []  # non-holdout customers and variants
        self.campaign_gid = ""
        self.campaign_id = ObjectId()
        self.events = 0  # in the collection
        self.rounds = 0  # events of the next call start at this round
        self.recorded: list[tuple[ObjectId, str, str, datetime]] = []  # the last call's

    async def gql(self, query: str, **variables: Any) -> dict[str, Any]:
        result = await self.schema.execute(
            query, variable_values=variables, context_value=Context(self.db, self.settings)
        )
        assert result.errors is None, result.errors
        assert result.data is not None
        return result.data

    async def load_customers(self, target: int, budget: float) -> None:
        repository = CustomerRepository(self.db)
        created = NOW - timedelta(days=400)
        started = time.perf_counter()
        while len(self.customers) < target and time.perf_counter() - started < budget:
            batch: list[Document] = [
                {"_id": ObjectId(), "name": f"c {n}", "email": f"c.{n}@example.com", "tags": [],
                 "lifecycleStage": "CUSTOMER", "createdAt": created, "updatedAt": created,
                 "archivedAt": None}
                for n in range(len(self.customers), min(target, len(self.customers) + BATCH))
            ]  # fmt: skip
            took, _ = await aseconds(repository.insert_many(batch))
            self.customers += [doc["_id"] for doc in batch]
            if len(self.customers) in (BATCH, 10 * BATCH) or len(self.customers) % 25_000 == 0:
                print(f"    {len(self.customers):,} customers, last batch {took * 1000:.0f} ms")
        took = time.perf_counter() - started
        stopped = "" if len(self.customers) == target else " (stopped at the load budget)"
        print(f"  {len(self.customers):,} customers written in {took:.1f} s{stopped}")

    async def load_orders(self) -> None:
        """A tenth of the customers order once within 14 days of the campaign's start."""
        rng = random.Random(9)
        orders = [
            {"_id": ObjectId(), "number": f"SO-B{n:07d}", "customerId": c, "items": [],
             "currency": "USD", "total": rng.randint(2_000, 8_000), "status": "DELIVERED",
             "placedAt": START + timedelta(days=rng.uniform(1, 14)), "statusHistory": [],
             "createdAt": START, "updatedAt": START}
            for n, c in enumerate(self.customers) if n % 10 == 0
        ]  # fmt: skip
        took, repository = 0.0, OrderRepository(self.db)
        for first in range(0, len(orders), BATCH):
            took += (await aseconds(repository.insert_many(orders[first : first + BATCH])))[0]
        print(f"  {len(orders):,} orders written in {took:.1f} s")

    async def assign(self) -> None:
        created = (await self.gql(CREATE, input=CAMPAIGN))["createCampaign"]
        assert created["userErrors"] == [], created["userErrors"]
        self.campaign_gid = created["campaign"]["id"]
        self.campaign_id = decode_id(self.campaign_gid, "Campaign")
        started = (await self.gql(START_CAMPAIGN, id=self.campaign_gid))["startCampaign"]
        assert started["userErrors"] == [], started["userErrors"]
        from app.campaigns.graphql.audience import audience_ids
        from app.campaigns.repository import CampaignRepository

        campaign = await CampaignRepository(self.db).get(self.campaign_id)
        assert campaign is not None
        took, ids = await aseconds(audience_ids(self.db, campaign["audience"]))
        print(f"  audience_ids (read alone): {len(ids):,} customers in {took:.2f} s")
        await JobRepository(self.db).enqueue(
            JobKind.CAMPAIGN_ASSIGNMENT, {"campaignId": self.campaign_id}, datetime.now(UTC)
        )
        worker = Worker(self.db, self.settings, HANDLERS)
        self.counter.commands = 0
        took, ran = await aseconds(worker.run_once())
        job = await self.db["jobs"].find_one({"kind": JobKind.CAMPAIGN_ASSIGNMENT.value})
        assert ran
        assert job is not None
        result = job.get("result") or {}
        print(
            f"  CAMPAIGN_ASSIGNMENT job, {len(ids):,} customers: {took:.2f} s, status "
            f"{job['status']}, added {result.get('added')}, sizes {result.get('sizes')}, "
            f"{self.counter.commands} commands"
        )
        took, again = await aseconds(self._rerun(worker))
        print(f"  the same job re-run (nobody new): {took:.2f} s, added {again}")
        cursor = self.db["campaign_assignments"].find(
            {"campaignId": self.campaign_id, "variant": {"$ne": HOLDOUT}},
            {"customerId": 1, "variant": 1},
        )
        self.assigned = [(doc["customerId"], doc["variant"]) async for doc in cursor]

    async def _rerun(self, worker: Worker) -> Any:
        await JobRepository(self.db).enqueue(
            JobKind.CAMPAIGN_ASSIGNMENT, {"campaignId": self.campaign_id}, datetime.now(UTC)
        )
        await worker.run_once()
        job = await self.db["jobs"].find_one(
            {"kind": JobKind.CAMPAIGN_ASSIGNMENT.value}, sort=[("_id", -1)]
        )
        return (job or {}).get("result", {}).get("added")

    def next_events(self) -> list[tuple[ObjectId, str, str, datetime]]:
        """1,000 new events: 250 assigned customers × the 4 kinds, a minute later each round
        through the audience (so they are never duplicates)."""
        per_call = BATCH // len(EVENTS_PER_CUSTOMER)
        total = len(self.assigned)
        first = (self.rounds * per_call) % total
        lap = (self.rounds * per_call) // total
        self.rounds += 1
        chosen = [self.assigned[(first + k) % total] for k in range(per_call)]
        exposed = START + timedelta(days=1, minutes=lap)
        return [
            (customer, variant, kind, exposed + timedelta(hours=h))
            for customer, variant in chosen
            for h, kind in enumerate(EVENTS_PER_CUSTOMER)
        ]

    async def fill_events(self, target: int, deadline: float) -> None:
        repository = CampaignEventRepository(self.db)
        while self.events < target and time.perf_counter() < deadline:
            documents = [
                {"_id": event_id(self.campaign_id, c, kind, at), "campaignId": self.campaign_id,
                 "customerId": c, "variant": v, "event": kind, "at": at,
                 **({"revenue": 3_000} if kind == "CONVERTED" else {}), "recordedAt": NOW}
                for c, v, kind, at in self.next_events()
            ]  # fmt: skip
            self.events += await repository.add(documents)

    async def record_calls(self, calls: int) -> list[float]:
        times: list[float] = []
        for _ in range(calls):
            self.recorded = self.next_events()
            self.rounds -= 1
            events = [
                {"customerId": encode_id("Customer", c), "variant": v, "event": kind,
                 "at": at.isoformat(), **({"revenue": "30.00"} if kind == "CONVERTED" else {})}
                for c, v, kind, at in self.next_events()
            ]  # fmt: skip
            took, data = await aseconds(self.gql(RECORD, id=self.campaign_gid, events=events))
            payload = data["recordCampaignEvents"]
            assert payload["userErrors"] == [], payload["userErrors"][:3]
            self.events += payload["recorded"]
            times.append(took)
            if took > CALL_LIMIT_SECONDS:
                break
        return times

    async def results_parts(self) -> dict[str, float]:
        from app.campaigns.repository import CampaignRepository

        campaign = await CampaignRepository(self.db).get(self.campaign_id)
        assert campaign is not None
        events = CampaignEventRepository(self.db)
        assignments = CampaignAssignmentRepository(self.db)
        parts: dict[str, float] = {}
        parts["per_customer"], per_customer = await aseconds(events.per_customer(self.campaign_id))
        parts["sizes"], sizes = await aseconds(assignments.sizes(self.campaign_id))
        parts["holdout_ids"], holdout = await aseconds(assignments.holdout_ids(self.campaign_id))
        parts["orders"], orders = await aseconds(
            OrderRepository(self.db).revenue_orders(START, NOW, "USD")
        )
        parts["_results"], _ = seconds(
            lambda: _results(campaign, per_customer, holdout, orders, sizes, NOW)
        )
        parts["rows"] = len(per_customer)
        parts["order_rows"] = len(orders)
        return parts


async def record_parts(bench: Bench, duplicates: int) -> None:
    """Where a recordCampaignEvents call's time goes (without GraphQL), and what a client's
    retry of ``duplicates`` already recorded events costs."""
    from app.campaigns.events import CampaignEvents, Event
    from app.campaigns.models import CampaignEventType
    from app.campaigns.repository import CampaignRepository

    campaign = await CampaignRepository(bench.db).get(bench.campaign_id)
    assert campaign is not None
    raw = bench.next_events()
    bench.rounds -= 1  # the next timed call writes these
    events = [Event(c, v, CampaignEventType(kind), at) for c, v, kind, at in raw]
    customers = list(dict.fromkeys(event.customer_id for event in events))
    service = CampaignEvents(bench.db)
    found, _ = await aseconds(service.customers.find_in("_id", customers, {"_id": 1}))
    held, _ = await aseconds(service.assignments.of(bench.campaign_id, customers))
    checked_s, checked = await aseconds(service.check(campaign, events))
    print(
        f"    parts of a call: customers find_in {len(customers)} {found:.2f} s, "
        f"assignments.of {held:.2f} s, check() whole {checked_s:.2f} s "
        f"({len(checked.documents):,} documents)"
    )
    if duplicates:
        again = [
            {"customerId": encode_id("Customer", c), "variant": v, "event": kind,
             "at": at.isoformat(), **({"revenue": "30.00"} if kind == "CONVERTED" else {})}
            for c, v, kind, at in bench.recorded[:duplicates]
        ]  # fmt: skip
        took, data = await aseconds(bench.gql(RECORD, id=bench.campaign_gid, events=again))
        payload = data["recordCampaignEvents"]
        print(
            f"    a retried call of {len(again)} events already recorded: {took:.2f} s "
            f"({payload['duplicates']} duplicates)"
        )


async def events_part(
    bench: Bench, sizes: list[int], calls: int, budget: float, duplicates: int
) -> None:
    deadline = time.perf_counter() + budget
    for size in sizes:
        started = time.perf_counter()
        await bench.fill_events(size - calls * BATCH, deadline)
        filled = time.perf_counter() - started
        before = bench.events
        times = await bench.record_calls(calls)
        per_call = statistics.mean(times)
        print(
            f"  events {before:,} (filled by the repository in {filled:.1f} s): "
            f"recordCampaignEvents × {len(times)} of 1,000: mean {per_call:.2f} s a call, "
            f"max {max(times):.2f} s, {BATCH / per_call:,.0f} events/s"
        )
        await record_parts(bench, duplicates)
        bench.counter.commands = 0
        took, data = await aseconds(bench.gql(RESULTS, id=bench.campaign_gid))
        commands = bench.counter.commands
        results = data["campaignResults"]
        exposed = sum(v["exposed"] for v in results["variants"])
        parts = await bench.results_parts()
        print(
            f"  events {bench.events:,}: campaignResults {took:.2f} s ({commands} commands; "
            f"{exposed:,} exposed, {results['recommendation']}); parts: aggregation "
            f"{parts['per_customer']:.2f} s ({parts['rows']:,.0f} rows), sizes "
            f"{parts['sizes']:.2f} s, holdout_ids {parts['holdout_ids']:.2f} s, orders "
            f"{parts['orders']:.2f} s ({parts['order_rows']:,.0f}), _results "
            f"{parts['_results']:.2f} s",
            flush=True,
        )
        if bench.events < size - calls * BATCH + len(times) * BATCH:
            print(f"  stopped below {size:,} events at the load budget")
            break
        if max(times) > CALL_LIMIT_SECONDS or took > CALL_LIMIT_SECONDS:
            print(f"  a call passed {CALL_LIMIT_SECONDS:.0f} s; stop")
            break


async def lookups(database: Database, sizes: list[int], budget: float) -> None:
    """``of`` for 1,000 customers (half of them assigned) against ``size`` assignments."""
    db = database.client["crm_bench_lookup"]
    await database.client.drop_database(db.name)
    objects = CampaignAssignmentRepository(db)
    await objects.collection.create_indexes(list(CampaignAssignmentRepository.indexes))
    texts = db["assignments_text_id"]
    await texts.create_indexes(list(CampaignAssignmentRepository.indexes))
    campaign = ObjectId()
    customers: list[ObjectId] = []
    deadline = time.perf_counter() + budget
    print("  | assignments | of(): ObjectId _id | text _id $in | campaignId + customerId $in |")
    print("  |---:|---:|---:|---:|")
    try:
        for size in sizes:
            while len(customers) < size and time.perf_counter() < deadline:
                batch = [ObjectId() for _ in range(min(BATCH, size - len(customers)))]
                documents = [assignment_document(campaign, c, "b", NOW, "hash") for c in batch]
                await objects.add(documents)
                await texts.insert_many(
                    [{**doc, "_id": f"{campaign}:{doc['customerId']}"} for doc in documents],
                    ordered=False,
                )
                customers += batch
            if len(customers) < size:
                print(f"  stopped at {len(customers):,} assignments (load budget)")
                break
            rng = random.Random(size)
            probe = rng.sample(customers, 500) + [ObjectId() for _ in range(500)]

            async def by_object_id(probe: list[ObjectId] = probe) -> Any:
                return await objects.of(campaign, probe)

            async def by_text_id(probe: list[ObjectId] = probe) -> Any:
                ids = [f"{campaign}:{c}" for c in probe]
                found: list[Document] = []
                for part in chunks(ids):  # as find_in
                    query = {"_id": {"$in": list(part)}}
                    found += await texts.find(query, {"customerId": 1, "variant": 1}).to_list()
                return found

            async def by_fields(probe: list[ObjectId] = probe) -> Any:  # 200 a query, as find_in
                found: list[Document] = []
                for part in chunks(probe):
                    found += await objects.collection.find(
                        {"campaignId": campaign, "customerId": {"$in": list(part)}},
                        {"customerId": 1, "variant": 1},
                    ).to_list()
                return found

            cells = []
            for call in (by_object_id, by_text_id, by_fields):
                times = []
                for _ in range(3):
                    took, found = await aseconds(call())
                    times.append(took)
                    if took > CALL_LIMIT_SECONDS:
                        break
                assert len(found) == 500, len(found)
                cells.append(f"{statistics.median(times) * 1000:.0f} ms")
            print(f"  | {size:,} | " + " | ".join(cells) + " |", flush=True)
    finally:
        await database.client.drop_database(db.name)


async def store_part(args: argparse.Namespace) -> None:
    url = os.environ.get("CRM_MONGODB_URL")
    counter = Counter()
    with tempfile.TemporaryDirectory(prefix="crm-campaign-bench-") as folder:
        data_file = ":memory:" if args.engine == "memory" else str(Path(folder) / "bench.sqlite")
        settings = Settings(mongodb_url=url, data_file=data_file, database="crm_bench_campaigns")
        database = await Database.connect(settings, [counter])
        print(f"store: {'MongoDB' if url else f'embedded ({args.engine})'}")
        try:
            await database.client.drop_database(database.db.name)
            await database.ensure_indexes(REPOSITORIES)
            bench = Bench(database, settings, counter)
            if "audience" in args.parts or "events" in args.parts:
                await bench.load_customers(args.customers, args.load_seconds)
                await bench.load_orders()
                await bench.assign()
            if "events" in args.parts:
                await events_part(bench, sorted(args.event_sizes), args.record_calls,
                                  args.load_seconds, args.duplicates)  # fmt: skip
            if "lookups" in args.parts:
                await lookups(database, sorted(args.lookup_sizes), args.load_seconds)
        finally:
            await database.client.drop_database(database.db.name)
            await database.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--hash-ids", type=int, default=1_000_000)
    parser.add_argument("--synthetic-events", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--event-sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--record-calls", type=int, default=3)
    parser.add_argument("--duplicates", type=int, default=100, help="events of a retried call")
    parser.add_argument("--lookup-sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--load-seconds", type=float, default=900.0)
    parser.add_argument("--engine", choices=["sqlite", "memory"], default="sqlite")
    parser.add_argument(
        "--parts", nargs="+", default=["hash", "results", "audience", "events", "lookups"],
        choices=["hash", "results", "audience", "events", "lookups"],
    )  # fmt: skip
    args = parser.parse_args()
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}, {os.cpu_count()} CPUs")
    if "hash" in args.parts:
        print("In memory:")
        hashing(args.hash_ids)
    if "results" in args.parts:
        synthetic_results(args.synthetic_events)
    if {"audience", "events", "lookups"} & set(args.parts):
        asyncio.run(store_part(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
