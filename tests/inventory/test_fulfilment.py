"""The fulfilment queue: paid tracked orders wait in priority order; each goes to one picker."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from bson import ObjectId

from app.auth.roles import Role
from app.graphql.relay import decode_id
from app.inventory.queue import FulfilmentQueue
from app.inventory.recovery import StockRecovery
from app.jobs import runs
from app.segmentation.repository import AssignmentRepository
from tests import factories
from tests.conftest import GraphQLClient
from tests.inventory.stock import receive, status, tracked_product

CLAIM = """
mutation { claimNextFulfilment {
  fulfilment { id status claimedBy order { id number } } userErrors { field code message } } }"""
COMPLETE = """
mutation($id: ID!, $tracking: String!) { completeFulfilment(id: $id, trackingNumber: $tracking) {
  fulfilment { status trackingNumber order { status } } userErrors { field code message } } }"""
QUEUE = "{ fulfilments { edges { node { status priority order { number } } } } }"

Client = Callable[[Role | None], Awaitable[GraphQLClient]]


async def paid_orders(gql: GraphQLClient, count: int) -> list[dict[str, str]]:
    product = await tracked_product(gql, "PICK")
    customer = await factories.customer(gql)
    await receive(gql, product["id"], count, "1.00")
    orders = []
    for _ in range(count):
        order = await factories.order(gql, customer["id"], [(product["id"], 1)])
        await status(gql, order["id"], "PAID")
        orders.append(order)
    return orders


async def test_ten_concurrent_pickers_each_get_a_different_order(
    gql: GraphQLClient, as_role: Client
) -> None:
    orders = await paid_orders(gql, 10)
    queue = (await gql(QUEUE))["fulfilments"]["edges"]
    assert [edge["node"]["order"]["number"] for edge in queue] == [o["number"] for o in orders]
    pickers = [await as_role(Role.AGENT) for _ in range(12)]
    results = await asyncio.gather(*(picker(CLAIM) for picker in pickers))
    claimed = [r["claimNextFulfilment"]["fulfilment"] for r in results]
    handed = [c["order"]["number"] for c in claimed if c is not None]
    assert sorted(handed) == sorted(o["number"] for o in orders)  # each exactly once
    assert claimed.count(None) == 2  # an empty queue is a null fulfilment, not an error
    assert all(r["claimNextFulfilment"]["userErrors"] == [] for r in results)


async def test_completing_ships_the_order_and_only_the_picker_may(
    gql: GraphQLClient, as_role: Client
) -> None:
    [order] = await paid_orders(gql, 1)
    alice, bob = await as_role(Role.AGENT), await as_role(Role.MANAGER)
    claimed = (await alice(CLAIM))["claimNextFulfilment"]["fulfilment"]
    assert claimed["status"] == "IN_PROGRESS"
    refused = (await bob(COMPLETE, id=claimed["id"], tracking="1Z999"))["completeFulfilment"]
    assert refused["fulfilment"] is None
    assert refused["userErrors"][0]["code"] == "INVALID"
    done = (await alice(COMPLETE, id=claimed["id"], tracking="1Z999"))["completeFulfilment"]
    assert done["userErrors"] == []
    assert done["fulfilment"] == {
        "status": "DONE", "trackingNumber": "1Z999", "order": {"status": "SHIPPED"}
    }  # fmt: skip
    again = (await alice(COMPLETE, id=claimed["id"], tracking="1Z999"))["completeFulfilment"]
    assert again["userErrors"][0]["code"] == "INVALID_TRANSITION"
    assert order["id"]


async def test_hold_release_and_priority(gql: GraphQLClient) -> None:
    first, second = await paid_orders(gql, 2)
    queue = (await gql("{ fulfilments { edges { node { id } } } }"))["fulfilments"]["edges"]
    first_id, second_id = (edge["node"]["id"] for edge in queue)
    raised = await gql(
        "mutation($id: ID!) { setFulfilmentPriority(id: $id, priority: 50) { "
        "fulfilment { priority } userErrors { code } } }",
        id=second_id,
    )
    assert raised["setFulfilmentPriority"]["fulfilment"] == {"priority": 50}
    claimed = (await gql(CLAIM))["claimNextFulfilment"]["fulfilment"]
    assert claimed["order"]["id"] == second["id"]  # the higher priority first
    held = await gql(
        "mutation($id: ID!, $why: String!) { holdFulfilment(id: $id, reason: $why) { "
        "fulfilment { status holdReason } userErrors { code } } }",
        id=first_id,
        why="dented box",
    )
    assert held["holdFulfilment"]["fulfilment"] == {"status": "ON_HOLD", "holdReason": "dented box"}
    assert (await gql(CLAIM))["claimNextFulfilment"]["fulfilment"] is None
    released = await gql(
        "mutation($id: ID!) { releaseFulfilment(id: $id) { fulfilment { status } } }", id=first_id
    )
    assert released["releaseFulfilment"]["fulfilment"] == {"status": "QUEUED"}
    assert (await gql(CLAIM))["claimNextFulfilment"]["fulfilment"]["order"]["id"] == first["id"]


async def test_priority_follows_the_customers_place_in_the_latest_segmentation(
    gql: GraphQLClient,
) -> None:
    db = gql.database.db
    run_id = ObjectId()
    await db["segmentation_runs"].insert_one(
        {"_id": run_id, "status": runs.COMPLETE, "createdAt": datetime.now(UTC),
         "segments": [{"key": "s1", "rank": 1}, {"key": "s2", "rank": 2}]}
    )  # fmt: skip
    places = {"champion": ("s2", "Champions"), "top": ("s1", "Hibernating"),
              "loyal": ("s2", "Loyal"), "other": ("s2", "At Risk")}  # fmt: skip
    customers = {name: ObjectId() for name in [*places, "unsegmented"]}
    await AssignmentRepository(db).insert(
        run_id,
        [{"customerId": customers[name], "key": key, "rfm": {"group": group}}
         for name, (key, group) in places.items()],
    )  # fmt: skip
    queue = FulfilmentQueue(db)
    priorities = {name: await queue.customer_priority(c) for name, c in customers.items()}
    assert priorities == {"champion": 30, "top": 20, "loyal": 10, "other": 0, "unsegmented": 0}


async def test_the_sweep_queues_a_paid_order_a_crash_left_out(gql: GraphQLClient) -> None:
    [order] = await paid_orders(gql, 1)
    db = gql.database.db
    await db["fulfilments"].delete_many({})  # as if the process died before queueing it
    order_id = decode_id(order["id"], "Order")
    earlier = datetime.now(UTC) - timedelta(minutes=5)
    await db["orders"].update_one({"_id": order_id}, {"$set": {"updatedAt": earlier}})
    assert await StockRecovery(db).run_once() == 1
    queue = (await gql(QUEUE))["fulfilments"]["edges"]
    assert [edge["node"]["order"]["number"] for edge in queue] == [order["number"]]
    assert await StockRecovery(db).run_once() == 0  # queued once
