"""What serviceMetrics costs over a year of tickets: per AGENT and WEEK, and per TYPE and MONTH.

    .venv/bin/python scripts/bench/metrics.py [--sizes 10000,100000] [--load-seconds 1800]

The store is the embedded one (its SQLite engine in a temp dir, a `crm db` process as the app
runs it) unless CRM_MONGODB_URL names a MongoDB. Tickets are written in batches of 1,000 straight
through the repository (as an import would), with the metrics the workflow records: created
over the last 365 days (fewer at weekends), 60% consultations, 25% complaints, 15% feedback,
12 agents in 3 teams, 0-2 tags, first replies and resolutions log-normal (medians 1.5 hours and
a day), 8% reopened, SLA first reply met 85% of the time, a quarter of the surveys answered.
At each size of --sizes it times both reports through the GraphQL schema (in process, as an
anonymous development admin) and counts the database commands; loading stops at --load-seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bson import ObjectId  # noqa: E402
from measure import Counter  # noqa: E402  (beside this script)

from app.core.db import Database  # noqa: E402
from app.core.settings import Settings  # noqa: E402
from app.graphql.context import Context  # noqa: E402
from app.repositories import REPOSITORIES  # noqa: E402
from app.schema import create_schema  # noqa: E402
from app.tagging.seed import default_taxonomy  # noqa: E402
from app.tickets.metrics import new_metrics  # noqa: E402
from app.tickets.repository import TicketRepository  # noqa: E402

QUERY = """query($groupBy: [ServiceGroup!], $interval: SummaryInterval!, $gte: DateTime!) {
  serviceMetrics(filter: {createdAt: {gte: $gte}}, groupBy: $groupBy, interval: $interval) {
    rows { start created solved
      firstReplyTime { calendar { median p90 } business { median p90 } }
      fullResolutionTime { calendar { median p90 } business { median p90 } }
      requesterWaitTime { calendar { median p90 } } oneTouchResolutionRate reopenRate
      sla { metric hit missed rate } satisfaction { csat responseRate }
      backlog { open age { median p90 } } } } }"""
TYPES = [("CONSULTATION", 60), ("COMPLAINT", 25), ("FEEDBACK", 15)]
CHANNELS = [("EMAIL", 40), ("WEB", 25), ("CHAT", 20), ("PHONE", 10), ("SOCIAL", 5)]
PRIORITIES = [("LOW", 15), ("NORMAL", 60), ("HIGH", 20), ("URGENT", 5)]
LANGUAGES = [("en", 80), ("zh", 15), ("und", 5)]


def pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


class Generator:
    def __init__(self, now: datetime, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.now = now
        self.teams = [ObjectId() for _ in range(3)]
        self.agents = [(ObjectId(), self.teams[n % 3]) for n in range(12)]
        self.tags = [tag["name"] for tag in default_taxonomy()]
        self.customers = [ObjectId() for _ in range(20_000)]

    def created(self) -> datetime:
        while True:
            moment = self.now - timedelta(seconds=self.rng.uniform(0, 365 * 86400))
            if moment.weekday() < 5 or self.rng.random() < 0.4:
                return moment

    def minutes(self, median: float) -> float:
        return median * math.exp(self.rng.gauss(0, 1.0))

    def ticket(self, number: int) -> dict[str, Any]:
        rng, created = self.rng, self.created()
        agent, team = rng.choice(self.agents)
        kind = pick(rng, TYPES)
        metrics = new_metrics()
        replied = self.minutes(90)
        if created + timedelta(minutes=replied) < self.now:
            metrics.update(firstReplyAt=created + timedelta(minutes=replied),
                           firstReplyMinutes=replied, firstReplyBusinessMinutes=replied * 0.4,
                           agentReplies=rng.choice([1, 1, 1, 2, 2, 3, 4]))  # fmt: skip
        resolution = max(self.minutes(24 * 60), replied + 1)
        solved = created + timedelta(minutes=resolution)
        status, survey, satisfaction = rng.choice(["NEW", "OPEN", "PENDING"]), None, None
        if solved < self.now and rng.random() < 0.97:
            status = rng.choice(["RESOLVED", "CLOSED", "CLOSED"])
            wait = resolution * rng.uniform(0.2, 0.8)
            metrics.update(solvedAt=solved, solves=1, resolutionMinutes=resolution,
                           resolutionBusinessMinutes=resolution * 0.35,
                           requesterWaitMinutes=wait, requesterWaitBusinessMinutes=wait * 0.35,
                           reopens=1 if rng.random() < 0.08 else 0, assigneeAtSolve=agent,
                           teamAtSolve=team)  # fmt: skip
            if kind != "FEEDBACK" and rng.random() < 0.9:
                answered = rng.random() < 0.25
                later = solved + timedelta(hours=5) if answered else None
                survey = {"openedAt": solved, "open": not answered, "answeredAt": later}
                if answered:
                    satisfaction = {"rating": rng.choice([1, 2, 3, 4, 4, 5, 5, 5]),
                                    "at": survey["answeredAt"]}  # fmt: skip
        met = created + timedelta(minutes=replied)
        breached = rng.random() < 0.15
        return {
            "_id": ObjectId(), "number": f"TK-B{number:07d}",
            "customerId": rng.choice(self.customers),
            "type": kind, "channel": pick(rng, CHANNELS), "priority": pick(rng, PRIORITIES),
            "status": status, "subject": "Bench ticket", "body": "Generated for the bench.",
            "assigneeId": agent, "teamId": team, "language": pick(rng, LANGUAGES),
            "tags": [{"name": t, "confidence": 0.9, "source": "RULE"}
                     for t in rng.sample(self.tags, rng.choice([0, 1, 1, 2]))],
            "messages": [], "createdAt": created, "updatedAt": created, "statusChangedAt": created,
            "sla": {"status": "MISSED" if breached else "HIT",
                    "metrics": {"FIRST_REPLY": {"metAt": met}},
                    "breaches": [{"metric": "FIRST_REPLY", "at": met}] if breached else []},
            "survey": survey, "satisfaction": satisfaction, "metrics": metrics,
            "tagPending": False, "scheduledRules": [], "queuedAt": None,
        }  # fmt: skip


async def time_reports(database: Database, settings: Settings, counter: Counter) -> None:
    schema = create_schema(settings)
    since = (datetime.now(UTC) - timedelta(days=365)).isoformat()
    for groups, interval in ((["AGENT"], "WEEK"), (["TYPE"], "MONTH")):
        counter.commands = 0
        started = time.perf_counter()
        result = await schema.execute(
            QUERY,
            variable_values={"groupBy": groups, "interval": interval, "gte": since},
            context_value=Context(database.db, settings),
        )
        seconds = time.perf_counter() - started
        assert result.errors is None, result.errors
        assert result.data is not None
        rows = result.data["serviceMetrics"]["rows"]
        print(f"  serviceMetrics by {groups[0]} and {interval}: {seconds:.2f} s, "
              f"{len(rows):,} rows, {counter.commands} commands")  # fmt: skip


async def main(args: argparse.Namespace) -> None:
    url = os.environ.get("CRM_MONGODB_URL")
    counter = Counter()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(mongodb_url=url, data_file=str(Path(tmp) / "bench.sqlite"),
                            database="bench_metrics")  # fmt: skip
        database = await Database.connect(settings, [counter])
        try:
            await database.client.drop_database(database.db.name)
            await database.ensure_indexes(REPOSITORIES)
            print(f"store: {'MongoDB' if url else 'embedded (SQLite)'}")
            tickets, generator = TicketRepository(database.db), Generator(datetime.now(UTC))
            loaded, started = 0, time.perf_counter()
            for size in sizes:
                while loaded < size and time.perf_counter() - started < args.load_seconds:
                    batch = min(1000, size - loaded)
                    await tickets.insert_many([generator.ticket(loaded + n) for n in range(batch)])
                    loaded += batch
                stopped = "" if loaded == size else ", stopped at the load budget"
                print(
                    f"{loaded:,} tickets (loaded in {time.perf_counter() - started:.0f} s{stopped})"
                )
                await time_reports(database, settings, counter)
                if loaded < size:
                    break
        finally:
            await database.client.drop_database(database.db.name)
            await database.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--load-seconds", type=float, default=1800.0)
    asyncio.run(main(parser.parse_args()))
