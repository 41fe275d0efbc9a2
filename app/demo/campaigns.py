"""Two demo campaigns on the demo's customers: a completed A/B test whose offer really moved
orders (its extra orders are in the history), and a factorial test still running."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from bson import ObjectId

from app.campaigns.assignment import assigner_of
from app.campaigns.events import CampaignEvents, Event
from app.campaigns.graphql.audience import audience_document
from app.campaigns.jobs import run_campaign_assignment
from app.campaigns.models import HOLDOUT, MAX_EVENTS, CampaignEventType
from app.campaigns.repository import CampaignAssignmentRepository
from app.campaigns.service import CampaignService
from app.core.counters import CounterRepository
from app.core.db import Document, MongoDatabase
from app.core.settings import Settings
from app.jobs.models import JobKind
from app.jobs.service import JobService
from app.jobs.worker import Worker
from app.orders.models import OrderStatus, new_order
from app.orders.repository import OrderRepository
from app.products.repository import ProductRepository

SEED = 15
EXPOSED = CampaignEventType.EXPOSED
OPENED = CampaignEventType.OPENED
CLICKED = CampaignEventType.CLICKED
# Chance of an order within the window after exposure, per variant, beside the demo's own
# orders: the offer works, strongly enough to show on 300 customers.
FREE_SHIPPING = {"control": 0.15, "free-shipping": 0.65}
# The running test: the 10% offer helps a little, the tone not at all.
TONE_OFFER = {"friendly_none": 0.06, "friendly_10pct": 0.09, "urgent_none": 0.06,
              "urgent_10pct": 0.09}  # fmt: skip


async def campaign_demo(db: MongoDatabase, settings: Settings) -> dict[str, int]:
    rng = random.Random(SEED)
    now = datetime.now(UTC)
    service = CampaignService(db)
    completed = await service.create(
        {
            "name": "Spring win-back: free shipping",
            "seed": "demo-spring-win-back",
            "channel": "EMAIL",
            "audience": _everyone(),
            "variants": [
                {
                    "key": "control",
                    "name": "Newsletter",
                    "weight": 0.5,
                    "content": "Subject: New this spring",
                },
                {
                    "key": "free-shipping",
                    "name": "Free shipping",
                    "weight": 0.5,
                    "content": "Subject: Free shipping on your next order, this week only",
                },
            ],
            "holdoutPercent": 0.0,
            "goal": "ORDER",
            "windowDays": 14,
            "startAt": now - timedelta(days=80),
            "endAt": now - timedelta(days=50),
            "currency": "USD",
        }
    )
    running = await service.create(
        {
            "name": "Loyalty SMS: tone × offer",
            "seed": "demo-loyalty-sms",
            "channel": "SMS",
            "audience": _everyone(),
            "factors": [
                {"name": "tone", "levels": ["friendly", "urgent"]},
                {"name": "offer", "levels": ["none", "10pct"]},
            ],
            "holdoutPercent": 10.0,
            "goal": "ORDER",
            "windowDays": 7,
            "startAt": now - timedelta(days=6),
            "currency": "USD",
        }
    )
    events = orders = 0
    for campaign, rates, days in ((completed, FREE_SHIPPING, 20), (running, TONE_OFFER, 5)):
        await _assign(db, settings, campaign)
        campaign = await service.start(campaign["_id"])
        made = await _history(db, campaign, rates, days, rng, now)
        events += made[0]
        orders += made[1]
    await service.complete(completed["_id"])
    return {"campaigns": 2, "campaign events": events, "campaign orders": orders}


def _everyone() -> Document:
    """The audience of every customer not archived, as the API stores an empty filter."""
    return audience_document(None)


async def _assign(db: MongoDatabase, settings: Settings, campaign: Document) -> None:
    """A CAMPAIGN_ASSIGNMENT job, run here to its end."""
    await JobService(db).start(JobKind.CAMPAIGN_ASSIGNMENT, {"campaignId": campaign["_id"]})
    worker = Worker(db, settings, {JobKind.CAMPAIGN_ASSIGNMENT: run_campaign_assignment})
    for _ in range(10):  # only the one job is queued
        if not await worker.run_once():
            break


async def _history(
    db: MongoDatabase,
    campaign: Document,
    rates: dict[str, float],
    days: int,
    rng: random.Random,
    now: datetime,
) -> tuple[int, int]:
    """Exposures over ``days`` from the start, opens and clicks, and the orders each variant's
    rate brings within the window: (events, orders) written."""
    start = campaign["startAt"].astimezone(UTC)
    window = timedelta(days=campaign["windowDays"])
    assigner = assigner_of(campaign)
    customers = sorted(await CampaignAssignmentRepository(db).members(campaign["_id"]))
    products = await ProductRepository(db).first(20)
    counters = CounterRepository(db)
    events: list[Event] = []
    orders: list[Document] = []
    for customer in customers:
        key = assigner.variant(str(customer))
        if key == HOLDOUT:
            continue
        at = start + timedelta(hours=rng.uniform(1, 24 * days))
        events.append(Event(customer, key, EXPOSED, at))
        if rng.random() < 0.4:
            events.append(Event(customer, key, OPENED, at + timedelta(minutes=rng.uniform(5, 600))))
            if rng.random() < 0.3:
                events.append(Event(customer, key, CLICKED, at + timedelta(hours=11)))
        placed = at + timedelta(hours=rng.uniform(2, window.total_seconds() / 3600 - 2))
        if rng.random() < rates[key] and placed < now:
            number = await counters.next_number("orders", "SO")
            orders.append(_order(number, customer, rng.choice(products), placed))
    recorder = CampaignEvents(db)
    for begin in range(0, len(events), MAX_EVENTS):
        await recorder.record(campaign["_id"], events[begin : begin + MAX_EVENTS])
    if orders:
        await OrderRepository(db).insert_many(orders)
    return len(events), len(orders)


def _order(number: str, customer: ObjectId, product: Document, placed: datetime) -> Document:
    """A paid one-item order, as a shop's checkout makes it."""
    item = {"productId": product["_id"], "sku": product["sku"], "name": product["name"],
            "quantity": 1, "unitPrice": product["price"]}  # fmt: skip
    history = [
        {"status": status.value, "at": placed, "note": None}
        for status in (OrderStatus.PENDING, OrderStatus.PAID)
    ]
    return new_order(number=number, customer_id=customer, items=[item], currency="USD",
                     placed_at=placed, history=history, now=placed)  # fmt: skip
