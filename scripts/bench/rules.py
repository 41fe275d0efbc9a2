"""What the service workflow costs: createTicket with 50 active rules, the sweep over many open
tickets with 20 scheduled rules, and assignment under 32 concurrent tickets.

    .venv/bin/python scripts/bench/rules.py [--creates 200] [--tickets 100000] \
        [--load-seconds 900] [--rounds 10]

The store is the embedded one (its SQLite engine in a temp dir, a `crm db` process as the app
runs it) unless CRM_MONGODB_URL names a MongoDB. Operations run in process through the GraphQL
schema (no HTTP), as an anonymous development admin.

1. createTicket: --creates tickets with no rules, then with 50 active TICKET_CREATED rules (45
   whose conditions fail, 5 that fire: tags, priority, a note, a task, assignment by team), then
   with none again; p50/p99 of each and the difference.
2. The sweep: --tickets open tickets (written in batches straight through the repository, as an
   import would) and 20 SCHEDULED rules on "hours since ..." conditions, each holding for a
   different share of the tickets. It times the first sweep (which fires), a second one (which
   finds nothing new), and counts the commands each sends. Loading stops at --load-seconds; the
   sweep is then measured at the size reached. On MongoDB it also prints each rule query's
   plan (IXSCAN, never COLLSCAN).
3. Assignment: --rounds of 32 tickets created at once for a team of 4 agents: tickets/s and
   latency; then 32 at once for 10 places in all, which must leave exactly 10 assigned.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bson import ObjectId  # noqa: E402
from measure import Counter, quantiles  # noqa: E402  (beside this script)

from app.core.db import Database  # noqa: E402
from app.core.settings import Settings  # noqa: E402
from app.graphql.context import Context  # noqa: E402
from app.graphql.relay import decode_id  # noqa: E402
from app.repositories import REPOSITORIES  # noqa: E402
from app.schema import create_schema  # noqa: E402
from app.tagging.repository import TagRepository  # noqa: E402
from app.tickets.models import Channel, TicketDraft, TicketStatus, TicketType  # noqa: E402
from app.tickets.repository import TicketRepository  # noqa: E402
from app.workflow.conditions import index_query  # noqa: E402
from app.workflow.models import RuleEvent  # noqa: E402
from app.workflow.repository import (  # noqa: E402
    AgentRepository,
    RuleRepository,
    SetupRepository,
)
from app.workflow.sweep import WorkflowSweep  # noqa: E402

CREATE = """mutation($input: CreateTicketInput!) { createTicket(input: $input) {
  ticket { id assignee { name } } userErrors { code } } }"""
CUSTOMER = """mutation { createCustomer(input: {name: "Bench Customer",
  email: "bench@example.com"}) { customer { id } } }"""
RULE = """mutation($input: RuleInput!) { createRule(input: $input) {
  rule { id } userErrors { field code message } } }"""
TEAM = """mutation($name: String!) { createTeam(input: {name: $name, strategy: LEAST_LOADED}) {
  team { id } } }"""
AGENT = """mutation($input: AgentInput!) {
  createAgent(input: $input) { agent { id } userErrors { field code } } }"""
AGE_DAYS = 60  # the open tickets' ages spread evenly over this many days
STATUSES = [TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.PENDING, TicketStatus.RESOLVED]


class Client:
    def __init__(self, database: Database, settings: Settings) -> None:
        self.schema = create_schema(settings)
        self.database, self.settings = database, settings

    async def __call__(self, query: str, **variables: Any) -> dict[str, Any]:
        context = Context(self.database.db, self.settings)
        result = await self.schema.execute(query, variable_values=variables, context_value=context)
        assert result.errors is None, result.errors
        assert result.data is not None
        return result.data


async def creates(client: Client, customer: str, count: int, tag: str) -> list[float]:
    times = []
    for n in range(count):
        values = {"customerId": customer, "type": "COMPLAINT", "channel": "EMAIL",
                  "subject": f"Parcel {tag} {n}", "body": "My parcel has not arrived."}  # fmt: skip
        started = time.perf_counter()
        data = await client(CREATE, input=values)
        times.append((time.perf_counter() - started) * 1000)
        assert data["createTicket"]["userErrors"] == []
    return times


async def rules_for_creates(client: Client, team: str) -> list[str]:
    ids = []
    for n in range(45):
        rule = {"name": f"miss {n}", "event": "TICKET_CREATED",
                "conditions": {"all": [{"field": "SUBJECT", "operator": "CONTAINS",
                                        "value": f"never-{n}"}],
                               "any": [{"field": "PRIORITY", "operator": "IS", "value": "LOW"},
                                       {"field": "CHANNEL", "operator": "IN",
                                        "value": ["PHONE", "SOCIAL"]}]},
                "actions": [{"type": "SET_PRIORITY", "params": {"priority": "HIGH"}}]}  # fmt: skip
        ids.append((await client(RULE, input=rule))["createRule"]["rule"]["id"])
    hits = [
        {"type": "ADD_TAGS", "params": {"tags": ["delivery-shipping"]}},
        {"type": "SET_PRIORITY", "params": {"priority": "HIGH"}},
        {"type": "ADD_NOTE", "params": {"body": "Check the carrier."}},
        {"type": "CREATE_TASK", "params": {"title": "Call back", "dueInHours": 24}},
        {"type": "ASSIGN_BY_STRATEGY", "params": {"teamId": team}},
    ]
    for n, action in enumerate(hits):
        rule = {"name": f"hit {n}", "event": "TICKET_CREATED",
                "conditions": {"all": [{"field": "TYPE", "operator": "IS", "value": "COMPLAINT"},
                                       {"field": "SUBJECT", "operator": "CONTAINS",
                                        "value": "parcel"}]},
                "actions": [action]}  # fmt: skip
        data = await client(RULE, input=rule)
        assert data["createRule"]["userErrors"] == [], data
        ids.append(data["createRule"]["rule"]["id"])
    return ids


async def set_active(client: Client, ids: list[str], active: bool) -> None:
    for rule_id in ids:
        await client(
            "mutation($id: ID!, $a: Boolean!) { updateRule(id: $id, input: {active: $a}) "
            "{ userErrors { code } } }",
            id=rule_id,
            a=active,
        )


async def agents(client: Client, team: str, name: str, count: int, capacity: int) -> None:
    for n in range(count):
        values = {"name": f"{name} {n}", "email": f"{name.lower()}{n}@bench.example",
                  "teamIds": [team], "capacity": capacity, "status": "ONLINE"}  # fmt: skip
        data = await client(AGENT, input=values)
        assert data["createAgent"]["agent"] is not None, data


async def bench_creates(client: Client, customer: str, count: int) -> None:
    team = (await client(TEAM, name="Bench desk"))["createTeam"]["team"]["id"]
    await agents(client, team, "Agent", 4, 1000)
    await creates(client, customer, 10, "warm")
    before = await creates(client, customer, count // 2, "none")
    ids = await rules_for_creates(client, team)
    with_rules = await creates(client, customer, count, "rules")
    await set_active(client, ids, False)
    after = await creates(client, customer, count // 2, "none")
    base = quantiles(before + after)
    rules = quantiles(with_rules)
    print(f"createTicket, no rules:       p50 {base[0]:6.1f} ms   p99 {base[1]:6.1f} ms")
    print(f"createTicket, 50 rules (5 fire): p50 {rules[0]:6.1f} ms   p99 {rules[1]:6.1f} ms")
    print(f"added by the rules:           p50 {rules[0] - base[0]:+6.1f} ms   "
          f"p99 {rules[1] - base[1]:+6.1f} ms")  # fmt: skip
    await client.database.db["rules"].delete_many({})
    await SetupRepository(client.database.db).changed()


def open_tickets(customer: ObjectId, first: int, count: int, now: datetime) -> list[dict[str, Any]]:
    docs = []
    for n in range(first, first + count):
        created = now - timedelta(minutes=(n * 37) % (AGE_DAYS * 24 * 60))
        draft = TicketDraft(customer, TicketType.CONSULTATION, Channel.EMAIL, f"Question {n}",
                            "When does my order ship?", created_at=created)  # fmt: skip
        doc = draft.to_document(number=f"TB-{n:07d}", status=STATUSES[n % 4], now=created)
        doc.update(_id=ObjectId(), tagPending=False, language="en")
        docs.append(doc)
    return docs


async def bench_sweep(database: Database, counter: Counter, size: int, budget: float) -> None:
    db = database.db
    tickets = TicketRepository(db)
    customer = ObjectId()
    now = datetime.now(UTC)
    loaded, started = 0, time.perf_counter()
    while loaded < size and time.perf_counter() - started < budget:
        batch = min(1000, size - loaded)
        await tickets.insert_many(open_tickets(customer, loaded, batch, now))
        loaded += batch
    load_seconds = time.perf_counter() - started
    print(f"\nsweep: {loaded:,} open tickets loaded in {load_seconds:.0f} s"
          + ("" if loaded == size else f" (stopped at the {budget:.0f} s budget)"))  # fmt: skip
    rules = RuleRepository(db)
    fields = ["HOURS_SINCE_CUSTOMER_MESSAGE", "HOURS_SINCE_UPDATED", "HOURS_SINCE_STATUS_CHANGE",
              "HOURS_SINCE_CREATED"]  # fmt: skip
    for n in range(20):
        # Tickets are 0 to 60 days old; rule n holds for those older than 60 days less
        # 3 + 0.3n minutes: a few per rule, as a sweep every few minutes finds them.
        hours = (AGE_DAYS * 24 * 60 - 3 - 0.3 * n) / 60
        await rules.collection.insert_one({
            "name": f"scheduled {n}", "event": "SCHEDULED", "active": True, "position": n,
            "conditions": {"all": [
                {"field": "STATUS", "operator": "IN", "value": ["NEW", "OPEN"]},
                {"field": fields[n % 4], "operator": "GREATER_THAN", "value": float(hours)}],
                "any": []},
            "actions": [{"type": "ADD_NOTE", "params": {"body": f"waiting ({n})"}}],
            "createdAt": now, "updatedAt": now,
        })  # fmt: skip
    await SetupRepository(db).changed()
    sweep = WorkflowSweep(db, 300)
    for label in ("first sweep (fires)", "second sweep (nothing new)"):
        counter.commands = 0
        report = await sweep.run_once(now)  # the clock the tickets were written by
        print(f"{label}: {report.seconds:.2f} s, {report.fired:,} firings, "
              f"{report.rearmed:,} re-armed, {counter.commands:,} commands")  # fmt: skip
    if os.environ.get("CRM_MONGODB_URL"):
        for rule in await rules.active(RuleEvent.SCHEDULED):
            plan = await tickets.collection.find(index_query(rule["conditions"], now)).explain()
            stages = str(plan.get("queryPlanner", {}).get("winningPlan", {}))
            print(f"  {rule['name']}: {'COLLSCAN' if 'COLLSCAN' in stages else 'IXSCAN'}")


async def bench_assignment(client: Client, customer: str, rounds: int) -> None:
    team = (await client(TEAM, name="Rush desk"))["createTeam"]["team"]["id"]
    await agents(client, team, "Rush", 4, 1000)
    rule = {"name": "rush", "event": "TICKET_CREATED",
            "actions": [{"type": "ASSIGN_BY_STRATEGY", "params": {"teamId": team}}]}  # fmt: skip
    rule_id = (await client(RULE, input=rule))["createRule"]["rule"]["id"]

    async def one(n: int) -> float:
        started = time.perf_counter()
        values = {"customerId": customer, "type": "CONSULTATION", "channel": "CHAT",
                  "subject": f"Rush {n}", "body": "Hello?"}  # fmt: skip
        data = await client(CREATE, input=values)
        assert data["createTicket"]["ticket"]["assignee"] is not None
        return (time.perf_counter() - started) * 1000

    latencies: list[float] = []
    started = time.perf_counter()
    for r in range(rounds):
        latencies += await asyncio.gather(*(one(r * 32 + n) for n in range(32)))
    seconds = time.perf_counter() - started
    p50, p99 = quantiles(latencies)
    print(f"\nassignment, 32 at once x {rounds}: {len(latencies) / seconds:.0f} tickets/s, "
          f"p50 {p50:.0f} ms, p99 {p99:.0f} ms")  # fmt: skip
    await set_active(client, [rule_id], False)
    small = (await client(TEAM, name="Small desk"))["createTeam"]["team"]["id"]
    await agents(client, small, "Small", 2, 5)
    await client(RULE, input={**rule, "name": "small",
                              "actions": [{"type": "ASSIGN_BY_STRATEGY",
                                           "params": {"teamId": small}}]})  # fmt: skip
    results = await asyncio.gather(*(
        client(CREATE, input={"customerId": customer, "type": "CONSULTATION", "channel": "CHAT",
                              "subject": f"Small {n}", "body": "Hello?"})
        for n in range(32)))  # fmt: skip
    assigned = sum(r["createTicket"]["ticket"]["assignee"] is not None for r in results)
    members = await AgentRepository(client.database.db).of_team(decode_id(small, "Team"))
    held = sorted(len(a["holds"]) for a in members)
    print(f"32 at once for 10 places: {assigned} assigned, holds per agent {held} (capacity 5)")


async def main(args: argparse.Namespace) -> None:
    url = os.environ.get("CRM_MONGODB_URL")
    counter = Counter()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(mongodb_url=url, data_file=str(Path(tmp) / "bench.sqlite"),
                            database="bench_rules")  # fmt: skip
        database = await Database.connect(settings, [counter])
        try:
            await database.client.drop_database(database.db.name)
            await database.ensure_indexes(REPOSITORIES)
            await TagRepository(database.db).ensure_defaults(datetime.now(UTC))
            print(f"store: {'MongoDB' if url else 'embedded (SQLite)'}")
            client = Client(database, settings)
            customer = (await client(CUSTOMER))["createCustomer"]["customer"]["id"]
            await bench_creates(client, customer, args.creates)
            await bench_assignment(client, customer, args.rounds)
            await database.db["tickets"].delete_many({})
            await bench_sweep(database, counter, args.tickets, args.load_seconds)
        finally:
            await database.client.drop_database(database.db.name)
            await database.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--creates", type=int, default=200)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--load-seconds", type=float, default=900.0)
    parser.add_argument("--rounds", type=int, default=10)
    asyncio.run(main(parser.parse_args()))
