"""Builds the demo documents in memory; pure and deterministic for a seed and a date."""

from __future__ import annotations

import random
import struct
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from bson import ObjectId
from faker import Faker

from app.customers.models import LifecycleStage, new_customer
from app.demo.texts import AGENT_REPLIES, CHINESE, ENGLISH, TicketText
from app.orders.models import OrderStatus, new_order
from app.products.models import new_product
from app.tickets.models import (
    Channel,
    TicketDraft,
    TicketPriority,
    TicketStatus,
    TicketType,
)

Document = dict[str, Any]

CATALOGUE: dict[str, list[tuple[str, int]]] = {  # category: (name, price in cents)
    "Audio": [("Wireless Earbuds", 7999), ("Noise-Cancelling Headphones", 24999),
              ("Bluetooth Speaker", 5999), ("Studio Microphone", 12999), ("Soundbar", 19999)],
    "Home": [("Smart Thermostat", 14999), ("LED Desk Lamp", 3499), ("Air Purifier", 18999),
             ("Robot Vacuum", 29999), ("Electric Kettle", 4599)],
    "Kitchen": [("Espresso Machine", 39999), ("Chef's Knife", 8999), ("Blender", 9999),
                ("Cast Iron Pan", 4999), ("Rice Cooker", 7999)],
    "Wearables": [("Fitness Tracker", 6999), ("Smartwatch", 27999), ("Sleep Mask", 2499),
                  ("Heart Rate Strap", 4999), ("Smart Ring", 29900)],
    "Computing": [("Mechanical Keyboard", 11999), ("Wireless Mouse", 3999),
                  ("USB-C Hub", 4999), ("27-inch Monitor", 32999), ("Laptop Stand", 4499)],
    "Outdoor": [("Camping Lantern", 2999), ("Water Bottle", 1999), ("Hiking Backpack", 8999),
                ("Solar Charger", 5999), ("Trekking Poles", 6999)],
    "Office": [("Ergonomic Chair", 34999), ("Standing Desk", 49999), ("Notebook Set", 1599),
               ("Fountain Pen", 5999), ("Desk Organizer", 2499)],
    "Phone": [("Phone Case", 1999), ("Wireless Charger", 3999), ("Power Bank", 4999),
              ("Screen Protector", 999), ("Car Mount", 2499)],
}  # fmt: skip

TAGS = ["vip", "newsletter", "wholesale", "b2b", "referral", "early-adopter"]
# Relative order volume by month (Jan..Dec): a holiday peak and a summer bump.
SEASON = [0.8, 0.7, 0.9, 0.9, 1.0, 1.2, 1.1, 1.0, 0.9, 1.0, 1.6, 1.9]
HISTORY_DAYS = 548  # 18 months: customers, their orders and tickets
# The shop's orders before those 18 months, from the customers who buy (a random stream of its
# own, so the 18 months are the same with or without them): four years of monthly sales in all,
# which a monthly forecast needs to see the holiday season. With 18 months ETS cannot fit a
# season (it needs two) and the backtest trains on 10 to 14 months and scores 4-month windows,
# which for most start months miss November and December: whether the forecast showed the
# holiday peak depended on the day the demo was made.
EARLIER_DAYS = 913
UNSETTLED = ObjectId(b"\0" * 12)  # an order's customer before the customers get their IDs


@dataclass
class DemoData:
    products: list[Document] = field(default_factory=list)
    customers: list[Document] = field(default_factory=list)
    orders: list[Document] = field(default_factory=list)
    tickets: list[Document] = field(default_factory=list)


class Generator:
    """Makes customers, products, orders and tickets that hang together."""

    def __init__(self, seed: int, as_of: datetime) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.now = as_of
        self.fakers = {"en": Faker("en_US"), "zh": Faker("zh_CN")}
        for offset, faker in enumerate(self.fakers.values()):
            faker.seed_instance(seed + offset)

    def object_id(self, at: datetime) -> ObjectId:
        """An ObjectId with ``at`` as its timestamp and seeded bytes: same seed, same IDs."""
        return ObjectId(struct.pack(">I", int(at.timestamp())) + self.rng.randbytes(8))

    def build(self, customer_count: int) -> DemoData:
        data = DemoData()
        data.products = self.products()
        data.customers = [self.customer(i) for i in range(customer_count)]
        for customer in data.customers:
            data.orders += self.orders_for(customer, data.products)
        recent = list(data.orders)
        data.orders += self.earlier_orders(data.customers, data.products)
        data.orders.sort(key=lambda o: o["placedAt"])
        for number, order in enumerate(data.orders, start=1):
            order["number"] = f"SO-{number:06d}"
        self.settle_customers(data)
        data.tickets = self.tickets(data, recent, round(customer_count * 2))
        return data

    def products(self) -> list[Document]:
        created = self.now - timedelta(days=EARLIER_DAYS + HISTORY_DAYS + 30)
        products = []
        for category, items in CATALOGUE.items():
            for index, (name, price) in enumerate(items):
                fields = {
                    "_id": self.object_id(created),
                    "sku": f"{category[:3].upper()}-{index + 1:03d}",
                    "name": name,
                    "description": f"{name} from our {category.lower()} range.",
                    "price": price,
                    "currency": "USD",
                    "active": self.rng.random() > 0.05,
                }
                products.append(new_product(fields, created))
        return products

    def customer(self, index: int) -> Document:
        language = "zh" if self.rng.random() < 0.35 else "en"
        fake = self.fakers[language]
        name = fake.name()
        user = fake.user_name() if language == "en" else f"user{self.rng.randrange(10**6)}"
        address = {
            "line1": fake.street_address(),
            "line2": None,
            "city": fake.city(),
            "region": fake.province() if language == "zh" else fake.state_abbr(),
            "postalCode": fake.postcode(),
            "country": "CN" if language == "zh" else "US",
        }
        created = self.now - timedelta(days=self.rng.uniform(0, HISTORY_DAYS + 60))
        fields = {
            "name": name,
            "email": f"{user}.{index}@{fake.free_email_domain()}".lower(),
            "phone": fake.phone_number(),
            "company": fake.company() if self.rng.random() < 0.3 else None,
            "address": address,
            "tags": sorted(self.rng.sample(TAGS, k=self.rng.choice([0, 0, 1, 1, 2]))),
        }
        return {
            "_id": None,  # set once the first order date is known
            **new_customer(fields, created),
            "_language": language,
            # How often this customer buys: a few loyal buyers, many occasional ones.
            "_appetite": self.rng.paretovariate(1.3) if self.rng.random() < 0.8 else 0.0,
        }

    def order_time(
        self, not_before: datetime, days: float = 0, back: float = HISTORY_DAYS
    ) -> datetime:
        """A moment ``days`` to ``days + back`` days before now, no earlier than ``not_before``,
        as likely as its month's share of the season."""
        while True:
            at = self.now - timedelta(days=days + self.rng.uniform(0, back))
            if at >= not_before and self.rng.random() < SEASON[at.month - 1] / max(SEASON):
                return at

    def orders_for(self, customer: Document, products: list[Document]) -> list[Document]:
        count = min(int(customer["_appetite"] * 2.9), 40)
        if count == 0:
            return []
        # Loyal customers started early; one-off buyers may be recent.
        start = self.now - timedelta(days=HISTORY_DAYS)
        times = sorted(self.order_time(start) for _ in range(count))
        if self.rng.random() < 0.25:  # some customers lapse
            cutoff = self.now - timedelta(days=self.rng.uniform(120, 400))
            times = [t for t in times if t < cutoff] or times[:1]
        on_sale = [p for p in products if p["active"]]
        return [self.order(customer, at, on_sale) for at in times]

    def earlier_orders(self, customers: list[Document], products: list[Document]) -> list[Document]:
        """The orders of the ``EARLIER_DAYS`` before the 18 months, at the same rate per buying
        customer, drawn from a random stream of their own."""
        main, self.rng = self.rng, random.Random(f"{self.seed}:earlier")
        try:
            on_sale = [p for p in products if p["active"]]
            start = self.now - timedelta(days=EARLIER_DAYS + HISTORY_DAYS)
            orders = []
            for customer in customers:
                rate = min(customer["_appetite"] * 2.9, 40) / HISTORY_DAYS  # orders a day
                count = int(rate * EARLIER_DAYS + self.rng.random())
                for _ in range(count):
                    at = self.order_time(start, HISTORY_DAYS, EARLIER_DAYS)
                    orders.append(self.order(customer, at, on_sale))
            return orders
        finally:
            self.rng = main

    def order(self, customer: Document, at: datetime, products: list[Document]) -> Document:
        lines = self.rng.sample(products, k=self.rng.choice([1, 1, 1, 2, 2, 3, 4]))
        items = [
            {
                "productId": p["_id"],
                "sku": p["sku"],
                "name": p["name"],
                "quantity": self.rng.choice([1, 1, 1, 1, 2, 2, 3]),
                "unitPrice": p["price"],
            }
            for p in lines
        ]
        history = self.status_path(at)
        order_id = self.object_id(at)
        return {
            "_id": order_id,
            **new_order(
                number="",  # numbered in placedAt order once all are made
                customer_id=UNSETTLED,  # the customer's _id, in settle_customers
                items=items,
                currency="USD",
                placed_at=at,
                history=history,
                now=at,
            ),
            "updatedAt": history[-1]["at"],
            "_customer": customer,
        }

    def status_path(self, placed: datetime) -> list[Document]:
        age = (self.now - placed).days
        roll = self.rng.random()
        S = OrderStatus
        if roll < 0.04:
            path = [S.PENDING, S.CANCELLED]
        elif roll < 0.08 and age > 10:
            path = [S.PENDING, S.PAID, S.SHIPPED, S.DELIVERED, S.REFUNDED]
        elif age > 10:
            path = [S.PENDING, S.PAID, S.SHIPPED, S.DELIVERED]
        else:
            path = [S.PENDING, S.PAID, S.SHIPPED, S.DELIVERED][: 1 + min(age // 3, 3)]
        at, history = placed, []
        for status in path:
            history.append({"status": status.value, "at": at, "note": None})
            at = min(at + timedelta(hours=self.rng.uniform(2, 72)), self.now)
        return history

    def settle_customers(self, data: DemoData) -> None:
        """Give each customer an ID and a stage that agree with their orders."""
        first: dict[int, datetime] = {}
        last: dict[int, datetime] = {}
        for order in data.orders:
            key = id(order["_customer"])
            first.setdefault(key, order["placedAt"])
            last[key] = order["placedAt"]
        for customer in data.customers:
            key = id(customer)
            if key in first:
                customer["createdAt"] = first[key] - timedelta(days=self.rng.uniform(0, 30))
                lapsed = (self.now - last[key]).days > 180
                stage = LifecycleStage.CHURNED if lapsed else LifecycleStage.CUSTOMER
            else:
                stage = self.rng.choice([LifecycleStage.LEAD, LifecycleStage.PROSPECT])
            customer["lifecycleStage"] = stage.value
            customer["updatedAt"] = customer["createdAt"]
            customer["_id"] = self.object_id(customer["createdAt"])
        for order in data.orders:
            order["customerId"] = order["_customer"]["_id"]

    def tickets(self, data: DemoData, recent: list[Document], count: int) -> list[Document]:
        """Tickets about the customers' orders of the 18 months (``recent``), or none."""
        orders_by_customer: dict[ObjectId, list[Document]] = {}
        for order in sorted(recent, key=lambda o: o["placedAt"]):
            orders_by_customer.setdefault(order["customerId"], []).append(order)
        weights = [1 + 3 * bool(orders_by_customer.get(c["_id"])) for c in data.customers]
        tickets = []
        for _ in range(count):
            customer = self.rng.choices(data.customers, weights)[0]
            tickets.append(self.ticket(customer, orders_by_customer.get(customer["_id"], [])))
        tickets.sort(key=lambda t: t["createdAt"])
        for number, ticket in enumerate(tickets, start=1):
            ticket["number"] = f"TK-{number:06d}"
        return tickets

    def ticket(self, customer: Document, orders: list[Document]) -> Document:
        language = customer["_language"]
        texts: list[TicketText] = CHINESE if language == "zh" else ENGLISH
        if not orders:
            texts = [t for t in texts if "{order}" not in t[2] + t[3]]
        order = self.rng.choice(orders) if orders else None
        start = order["placedAt"] if order else customer["createdAt"]
        created = start + timedelta(days=self.rng.uniform(0.5, 20))
        created = min(created, self.now - timedelta(minutes=5))
        age = (self.now - created).days
        weights = [topic_weight(topic, kind, age) for kind, topic, _, _ in texts]
        kind, _topic, subject, body = self.rng.choices(texts, weights)[0]
        product = (
            order["items"][0]["name"] if order else self.rng.choice(list(CATALOGUE.values()))[0][0]
        )
        fill = {
            "product": product,
            "order": order["number"] if order else "",
            "days": self.rng.randint(5, 20),
        }
        age_days = (self.now - created).days
        status = self.ticket_status(age_days)
        messages, first_response = self.conversation(language, status, created)
        priority = self.ticket_priority(kind)
        ticket_id = self.object_id(created)
        channel = self.rng.choice(list(Channel))
        status_done = status in (TicketStatus.RESOLVED, TicketStatus.CLOSED)
        draft = TicketDraft(
            customer["_id"],
            TicketType(kind),
            channel,
            subject.format(**fill),
            body.format(**fill),
            order_id=order["_id"] if order and "{order}" in subject + body else None,
            priority=priority,
            created_at=created,
        )
        return {
            "_id": ticket_id,
            **draft.to_document(
                number="",  # numbered in createdAt order once all are made
                status=status,
                now=messages[-1]["at"] if messages else created,
                messages=messages,
                first_response_at=first_response,
                resolved_at=messages[-1]["at"] if status_done else None,
            ),
        }

    def ticket_status(self, age_days: int) -> TicketStatus:
        if age_days > 14:
            return self.rng.choice(
                [TicketStatus.RESOLVED, TicketStatus.CLOSED, TicketStatus.CLOSED]
            )
        return self.rng.choice(list(TicketStatus))

    def ticket_priority(self, kind: str) -> TicketPriority:
        if kind == TicketType.COMPLAINT.value:
            return self.rng.choice(
                [TicketPriority.NORMAL, TicketPriority.HIGH, TicketPriority.URGENT]
            )
        return self.rng.choice([TicketPriority.LOW, TicketPriority.NORMAL, TicketPriority.NORMAL])

    def conversation(
        self, language: str, status: TicketStatus, created: datetime
    ) -> tuple[list[Document], datetime | None]:
        if status is TicketStatus.NEW:
            return [], None
        replies = AGENT_REPLIES[language]
        at = min(created + timedelta(hours=self.rng.uniform(0.2, 30)), self.now)
        messages = [
            {
                "author": "support",
                "body": self.rng.choice(replies),
                "internal": False,
                "fromCustomer": False,
                "at": at,
            }
        ]
        if self.rng.random() < 0.3:
            note_at = min(at + timedelta(hours=1), self.now)
            messages.append(
                {
                    "author": "support",
                    "body": "Checked with the warehouse.",
                    "internal": True,
                    "fromCustomer": False,
                    "at": note_at,
                }
            )
        return messages, at


def topic_weight(topic: str, kind: str, age_days: int) -> float:
    """The demo's story for feedbackSummary: a carrier switch four to two months ago brought
    a wave of delivery complaints that has since receded, and last month's app release
    brought technical complaints that are still coming in."""
    if topic == "delivery" and kind == "COMPLAINT" and 60 <= age_days < 120:
        return 5.0
    if topic == "technical" and kind == "COMPLAINT" and age_days < 35:
        return 8.0
    if topic == "praise" and age_days < 60:
        return 2.0
    return 1.0


def public(document: Document) -> Document:
    """The document without the generator's private working fields (``_language``...)."""
    return {k: v for k, v in document.items() if not (k.startswith("_") and k != "_id")}


def as_of_today() -> datetime:
    return datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
