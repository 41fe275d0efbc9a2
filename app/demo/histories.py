"""Import files of a whole purchase history, shaped like a small shop's real one.

The shape follows what published studies of retail panels report (e.g. the CDNOW panel used
in the customer-base analysis literature): every customer's first purchase falls in the
first quarter of the window, about half never buy again, and the rest repeat at rates that
vary a lot between customers and fade over time. The files (customers, products, orders as
CSV) go through ``importData`` or ``crm import`` like any user's; tests and benchmarks use
them to exercise imports and segmentation at the sizes real shops bring.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

WINDOW_DAYS = 546  # 78 weeks
FIRST_PURCHASE_DAYS = 84  # 12 weeks
PRODUCTS = 60


@dataclass(frozen=True)
class HistoryFiles:
    customers: bytes
    products: bytes
    orders: bytes


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def purchase_history(
    customers: int, orders: int, *, seed: int = 1, end: datetime | None = None
) -> HistoryFiles:
    """Files for ``customers`` customers placing exactly ``orders`` orders (at least one
    each), ending at ``end`` (default: today, midnight UTC)."""
    if orders < customers:
        raise ValueError("every customer places at least one order")
    rng = random.Random(seed)
    end = end or datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    start = end - timedelta(days=WINDOW_DAYS)
    products = [
        [f"CD-{i:04d}", f"Album {i}", f"{rng.choice([9.99, 11.99, 13.49, 15.99, 18.99]):.2f}"]
        for i in range(1, PRODUCTS + 1)
    ]
    people = []
    for i in range(customers):
        first = start + timedelta(days=rng.uniform(0, FIRST_PURCHASE_DAYS))
        # Repeat buying: a rate that varies between customers (gamma), and a dropout time.
        rate = rng.gammavariate(0.55, 1 / 40)
        alive_until = first + timedelta(days=rng.expovariate(1 / 250))
        people.append((f"buyer{i}@example.com", f"Buyer {i}", first, rate, alive_until))
    times: list[tuple[int, datetime]] = [(i, p[2]) for i, p in enumerate(people)]
    extra: list[tuple[int, datetime]] = []
    for i, (_, _, first, rate, alive_until) in enumerate(people):
        at = first
        while rate > 0:
            gap = rng.expovariate(rate)
            if gap > WINDOW_DAYS:
                break
            at += timedelta(days=gap)
            if at >= min(alive_until, end):
                break
            extra.append((i, at))
    rng.shuffle(extra)
    while len(extra) < orders - customers:  # too few repeats drawn: add some to repeaters
        i = rng.randrange(customers)
        extra.append((i, people[i][2] + timedelta(days=rng.uniform(1, WINDOW_DAYS / 2))))
    times += extra[: orders - customers]
    times.sort(key=lambda pair: pair[1])
    order_rows = []
    for number, (i, at) in enumerate(times, start=1):
        sku = products[min(int(rng.paretovariate(1.2)) - 1, PRODUCTS - 1)][0]
        order_rows.append(
            [
                f"SO-{number:06d}",
                people[i][0],
                min(at, end - timedelta(minutes=1)).isoformat(),
                "DELIVERED",
                sku,
                str(rng.choice([1, 1, 1, 2, 2, 3, 4])),
            ]
        )
    return HistoryFiles(
        customers=_csv(
            ["email", "name", "createdAt"],
            [[email, name, first.isoformat()] for email, name, first, _, _ in people],
        ),
        products=_csv(["sku", "name", "price", "currency"], [[*p, "USD"] for p in products]),
        orders=_csv(
            ["number", "customerEmail", "placedAt", "status", "sku", "quantity"], order_rows
        ),
    )
