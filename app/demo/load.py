"""Writes the demo data through the repositories, with a progress bar."""

from __future__ import annotations

from datetime import UTC, datetime

from tqdm import tqdm

from app.core.counters import CounterRepository
from app.core.cpu import run_cpu
from app.core.db import Document, MongoDatabase
from app.core.repository import Repository
from app.customers.repository import CustomerRepository
from app.demo.generate import Generator, as_of_today, public
from app.demo.stock import stock_demo
from app.forecasting.models import ForecastInterval, ForecastLevel
from app.forecasting.service import forecast_params
from app.jobs.models import JobKind
from app.jobs.service import JobService
from app.orders.repository import OrderRepository
from app.products.repository import ProductRepository
from app.tagging.jobs import train_version
from app.tagging.repository import TagRepository
from app.tagging.service import current_tagger, feedback_text, tagging_changes
from app.tickets.repository import TicketRepository

BATCH = 100


class StoreNotEmpty(RuntimeError):
    """Seeding refuses to mix demo data into a store that holds customers."""


async def seed(
    db: MongoDatabase,
    *,
    customers: int = 300,
    seed: int = 7,
    as_of: datetime | None = None,
    progress: bool = True,
) -> dict[str, int]:
    """Load the demo CRM into an empty store; returns how many documents of each kind."""
    if not await CustomerRepository(db).is_empty():
        raise StoreNotEmpty("the store already holds customers; demo data goes into an empty one")
    now = as_of or as_of_today()
    data = Generator(seed, now).build(customers)
    await tag_tickets(db, data.tickets)
    plan: list[tuple[str, Repository, list[Document]]] = [
        ("products", ProductRepository(db), data.products),
        ("customers", CustomerRepository(db), [public(c) for c in data.customers]),
        ("orders", OrderRepository(db), [public(o) for o in data.orders]),
        ("tickets", TicketRepository(db), data.tickets),
    ]
    total = sum(len(documents) for _, _, documents in plan)
    with tqdm(total=total, desc="seeding", unit="doc", disable=not progress) as bar:
        for name, repository, documents in plan:
            bar.set_postfix_str(name)
            for start in range(0, len(documents), BATCH):
                batch = documents[start : start + BATCH]
                await repository.insert_many(batch)
                bar.update(len(batch))
    counters = CounterRepository(db)
    await counters.raise_to("orders", len(data.orders))
    await counters.raise_to("tickets", len(data.tickets))
    counts = {name: len(documents) for name, _, documents in plan}
    made = await stock_demo(db, data.products, data.customers, seed, now)
    counts["orders"] += made["paid orders"]
    return {**counts, **made}


DEMO_FORECASTS = (
    (ForecastInterval.MONTH, 12, ForecastLevel.TOTAL),
    (ForecastInterval.WEEK, 8, ForecastLevel.PRODUCT),
)


async def queue_forecasts(db: MongoDatabase, timezone: str) -> int:
    """Queue the demo's sales forecasts (the shop's months, its products' weeks) for a worker:
    ``crm serve``'s embedded worker runs them within seconds of starting."""
    now = datetime.now(UTC)
    jobs = JobService(db)
    for interval, horizon, level in DEMO_FORECASTS:
        params = await forecast_params(
            db,
            interval=interval,
            horizon=horizon,
            as_of=now,
            now=now,
            level=level,
            product_ids=None,
            warehouse_id=None,
            timezone=timezone,
        )
        await jobs.start(JobKind.SALES_FORECAST, params)
    return len(DEMO_FORECASTS)


async def tag_tickets(db: MongoDatabase, tickets: list[Document]) -> None:
    """Train the first tagger version (on the shipped examples) and tag the demo tickets with
    it before they are written, as the automatic tagger would have."""
    now = datetime.now(UTC)
    await TagRepository(db).ensure_defaults(now)
    await train_version(db, None)
    tagger, model_id = await current_tagger(db)
    results = await run_cpu(tagger.tag_many, [feedback_text(t) for t in tickets])
    for ticket, result in zip(tickets, results, strict=True):
        ticket.update(tagging_changes(ticket, result, model_id, now))
        ticket.update({"tagsReviewed": False, "textRevision": 1, "tagPending": False})
