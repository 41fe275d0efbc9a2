"""Related objects load in batches: a page of 50 customers costs what a page of 5 costs."""

from __future__ import annotations

from tests import factories
from tests.conftest import CommandRecorder, GraphQLClient

QUERY = """query($n: Int!) { customers(first: $n) { edges { node {
    name
    orders(first: 5) { edges { node { number customer { name } items { product { sku } } } } }
    tickets(first: 5) { totalCount }
    stats { orderCount }
} } } }"""


async def test_command_count_does_not_grow_with_page_size(
    gql: GraphQLClient, recorder: CommandRecorder
) -> None:
    products = [await factories.product(gql, sku=f"P{i}") for i in range(3)]
    customers = [
        await factories.customer(gql, f"Customer {i}", email=f"c{i}@example.com") for i in range(50)
    ]
    for index, customer in enumerate(customers[::5]):
        await factories.order(gql, customer["id"], [(products[index % 3]["id"], 1)])
        await factories.ticket(gql, customer["id"])
    database = gql.settings.database
    counts = {}
    for n in (5, 50):
        recorder.commands.clear()
        data = await gql(QUERY, n=n)
        assert len(data["customers"]["edges"]) == n
        counts[n] = recorder.count(database, excluding=("rate_limits",))
    # customers page; all order pages; all ticket pages; all ticket counts; all stats; the
    # orders' customers; the items' products (the rate limiter's leases are tested apart)
    assert counts[5] == counts[50] == 7, (counts, recorder.names(database))
