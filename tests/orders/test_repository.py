"""The orders collection: revenue figures computed in MongoDB (cancelled and refunded orders
and later orders left out, each currency on its own), and guarded status changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bson import ObjectId

from app.core.db import Database
from app.orders.models import new_order
from app.orders.repository import OrderRepository

DAY = datetime(2026, 3, 1, tzinfo=UTC)


def order(
    customer: ObjectId, number: int, status: str, price: int, currency: str = "USD", days: int = 0
) -> dict[str, object]:
    placed = DAY + timedelta(days=days)
    item = {"productId": ObjectId(), "sku": "S", "name": "S", "quantity": 2, "unitPrice": price}
    return new_order(
        number=f"SO-{number}",
        customer_id=customer,
        items=[item],
        currency=currency,
        placed_at=placed,
        history=[{"status": status, "at": placed, "note": None}],
        now=placed,
    )


async def test_revenue_leaves_out_cancelled_refunded_and_later_orders(database: Database) -> None:
    repository = OrderRepository(database.db)
    ada, grace = ObjectId(), ObjectId()
    await repository.insert_many(
        [
            order(ada, 1, "PAID", 500),
            order(ada, 2, "CANCELLED", 10_000),
            order(ada, 3, "DELIVERED", 250, days=2),
            order(ada, 4, "PAID", 900, currency="JPY", days=3),
            order(grace, 5, "REFUNDED", 700),
            order(grace, 6, "PAID", 100, days=30),
        ]
    )
    features = await repository.purchase_features(DAY + timedelta(days=10), "USD")
    assert {row["_id"]: (row["orders"], row["spent"]) for row in features} == {ada: (2, 1500)}
    assert await repository.main_currency(DAY + timedelta(days=10)) == "USD"

    stats = await repository.stats_by_customer([ada, grace])
    assert sorted(stats[ada]["currencies"]) == [("JPY", 1, 1800), ("USD", 2, 1500)]
    assert stats[ada]["last"] == DAY + timedelta(days=3)
    assert stats[grace]["currencies"] == [("USD", 1, 200)]


async def test_a_status_change_applies_only_from_the_status_it_expects(database: Database) -> None:
    repository = OrderRepository(database.db)
    placed = await repository.insert(order(ObjectId(), 7, "PENDING", 100))
    entry = {"status": "PAID", "at": DAY, "note": None}
    paid = await repository.change_status(placed["_id"], "PENDING", "PAID", entry, DAY)
    assert paid is not None
    assert [change["status"] for change in paid["statusHistory"]] == ["PENDING", "PAID"]
    cancel = {"status": "CANCELLED", "at": DAY, "note": None}
    assert (
        await repository.change_status(placed["_id"], "PENDING", "CANCELLED", cancel, DAY) is None
    )
    assert (await repository.get(placed["_id"]))["status"] == "PAID"
