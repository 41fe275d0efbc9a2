"""Keyset pagination: walking any connection both ways visits every node once, in order."""

from __future__ import annotations

from typing import Any

import pytest

from tests import factories
from tests.conftest import GraphQLClient


async def walk(
    gql: GraphQLClient, field: str, args: str, *, forward: bool, size: int = 2, outer: str = ""
) -> tuple[list[str], list[int]]:
    """Follow cursors to the end; returns the node ids in list order and each totalCount.

    ``outer`` wraps the connection field in a parent selection, e.g. ``customer(id: "...")``.
    """
    ids: list[str] = []
    totals: list[int] = []
    cursor: str | None = None
    page_args = "first: $size, after: $cursor" if forward else "last: $size, before: $cursor"
    selection = f"""{field}({args} {page_args}) {{
        totalCount edges {{ cursor node {{ id }} }}
        pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }} }}"""
    if outer:
        selection = f"{outer} {{ {selection} }}"
    query = f"query($size: Int, $cursor: String) {{ {selection} }}"
    for _ in range(50):
        data = await gql(query, size=size, cursor=cursor)
        connection = data[outer.split("(")[0]][field] if outer else data[field]
        page = [edge["node"]["id"] for edge in connection["edges"]]
        totals.append(connection["totalCount"])
        info = connection["pageInfo"]
        if page:
            assert info["startCursor"] == connection["edges"][0]["cursor"]
            assert info["endCursor"] == connection["edges"][-1]["cursor"]
        if forward:
            ids += page
            if not info["hasNextPage"]:
                return ids, totals
            assert cursor is None or info["hasPreviousPage"]
            cursor = info["endCursor"]
        else:
            ids = page + ids
            if not info["hasPreviousPage"]:
                return ids, totals
            assert cursor is None or info["hasNextPage"]
            cursor = info["startCursor"]
    raise AssertionError("pagination did not end")


async def make_shop(gql: GraphQLClient) -> dict[str, Any]:
    customers = []
    for index, name in enumerate(["Bo", "Ann", "Bo", "Cy", "Ann", "Di", "Bo", "Ed"]):
        customers.append(await factories.customer(gql, name, email=f"c{index}@example.com"))
    products = [
        await factories.product(gql, sku=f"P{i}", price=price)
        for i, price in enumerate(["5.00", "1.00", "5.00", "2.00"])
    ]
    for index in range(10):
        await factories.order(
            gql,
            customers[0]["id"],
            [(products[index % 4]["id"], 1 + index % 2)],
            placedAt=f"2025-0{1 + index % 3}-01T00:00:00Z",  # many orders share a placedAt
        )
    for index in range(7):
        await factories.ticket(gql, customers[index % 2]["id"], subject=f"Parcel {index}")
    return {"customer": customers[0]}


CONNECTIONS = [
    ("customers", ""),
    ("customers", "orderBy: [{field: NAME, direction: ASC}],"),
    ("customers", "orderBy: [{field: NAME, direction: DESC}, {field: EMAIL, direction: ASC}],"),
    ("customers", 'search: "bo",'),
    ("products", "orderBy: [{field: PRICE, direction: DESC}],"),
    ("orders", ""),
    ("orders", "orderBy: [{field: TOTAL, direction: ASC}],"),
    ("orders", 'filter: {placedAt: {gte: "2025-02-01T00:00:00Z"}},'),
    ("tickets", "orderBy: [{field: PRIORITY, direction: ASC}],"),
    ("tickets", 'search: "parcel",'),
]


@pytest.mark.parametrize(("field", "args"), CONNECTIONS)
async def test_walk_forward_and_backward_visits_every_node_once(
    gql: GraphQLClient, field: str, args: str
) -> None:
    await make_shop(gql)
    everything = await gql(
        f"{{ {field}({args} first: 100) {{ totalCount edges {{ node {{ id }} }} }} }}"
    )
    expected = [edge["node"]["id"] for edge in everything[field]["edges"]]
    assert everything[field]["totalCount"] == len(expected) > 2
    forward, totals = await walk(gql, field, args, forward=True)
    assert forward == expected
    assert set(totals) == {len(expected)}
    backward, totals = await walk(gql, field, args, forward=False)
    assert backward == expected
    assert set(totals) == {len(expected)}


async def test_nested_connection_walks_both_ways(gql: GraphQLClient) -> None:
    shop = await make_shop(gql)
    outer = f'customer(id: "{shop["customer"]["id"]}")'
    args = "orderBy: [{field: PLACED_AT, direction: ASC}],"
    forward, totals = await walk(gql, "orders", args, forward=True, size=4, outer=outer)
    backward, _ = await walk(gql, "orders", args, forward=False, size=4, outer=outer)
    assert len(forward) == 10 == len(set(forward))
    assert forward == backward
    assert set(totals) == {10}


async def test_cursor_from_another_order_or_tampered_is_refused(gql: GraphQLClient) -> None:
    await make_shop(gql)
    data = await gql("{ customers(first: 2) { pageInfo { endCursor } } }")
    cursor = data["customers"]["pageInfo"]["endCursor"]
    for args in (
        f'first: 2, after: "{cursor}", orderBy: [{{field: NAME, direction: ASC}}]',
        f'first: 2, after: "{cursor[:-4]}"',
        # {"s":"1234","v":[{"$gt":""}]}: an operator smuggled into a cursor
        'first: 2, after: "eyJzIjoiMTIzNCIsInYiOlt7IiRndCI6IiJ9XX0"',
        'first: 2, before: "%%%"',
    ):
        errors = await gql.errors(f"{{ customers({args}) {{ totalCount }} }}")
        assert errors[0]["extensions"]["code"] == "INVALID_CURSOR", args


async def test_first_and_last_together_are_refused(gql: GraphQLClient) -> None:
    errors = await gql.errors("{ customers(first: 2, last: 2) { totalCount } }")
    assert errors[0]["extensions"]["code"] == "INVALID_PAGE"


async def test_first_zero_gives_no_edges_but_counts(gql: GraphQLClient) -> None:
    await make_shop(gql)
    data = await gql(
        "{ customers(first: 0) { totalCount edges { cursor } pageInfo { hasNextPage } } }"
    )
    assert data["customers"] == {"totalCount": 8, "edges": [], "pageInfo": {"hasNextPage": True}}
