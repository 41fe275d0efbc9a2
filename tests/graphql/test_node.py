"""Relay ``node``/``nodes`` and malformed IDs in queries."""

from __future__ import annotations

from tests import factories
from tests.conftest import GraphQLClient

NODE = """query($id: ID!) { node(id: $id) { __typename id
    ... on Customer { name } ... on Product { sku }
    ... on Order { number } ... on Ticket { number } } }"""


async def test_node_resolves_every_type(gql: GraphQLClient) -> None:
    customer = await factories.customer(gql)
    product = await factories.product(gql)
    order = await factories.order(gql, customer["id"], [(product["id"], 1)])
    ticket = await factories.ticket(gql, customer["id"])
    expected = {
        customer["id"]: ("Customer", "name", "Ada Lovelace"),
        product["id"]: ("Product", "sku", "SKU-1"),
        order["id"]: ("Order", "number", "SO-000001"),
        ticket["id"]: ("Ticket", "number", "TK-000001"),
    }
    for global_id, (typename, key, value) in expected.items():
        node = (await gql(NODE, id=global_id))["node"]
        assert (node["__typename"], node["id"], node[key]) == (typename, global_id, value)
    for field, global_id in (("order", order["id"]), ("ticket", ticket["id"])):
        data = await gql(f"query($id: ID!) {{ {field}(id: $id) {{ id number }} }}", id=global_id)
        assert data[field]["id"] == global_id
    ids = [*expected, "Q3VzdG9tZXI6NjU0YjFjMmQzZTRmNWE2YjdjOGQ5ZTBm"]
    data = await gql("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", ids=ids)
    assert data["nodes"] == [{"id": i} for i in expected] + [None]


async def test_malformed_ids_are_errors_unknown_ids_are_null(gql: GraphQLClient) -> None:
    for bad in ("", "not-an-id", "Q3VzdG9tZXI6eHl6", "V2lkZ2V0OjY1NGIxYzJkM2U0ZjVhNmI3YzhkOWUwZg"):
        errors = await gql.errors(NODE, id=bad)
        assert errors[0]["extensions"]["code"] == "INVALID_ID", bad
    product = await factories.product(gql)
    errors = await gql.errors("query($id: ID!) { customer(id: $id) { name } }", id=product["id"])
    assert errors[0]["extensions"]["code"] == "INVALID_ID"
    unknown = "Q3VzdG9tZXI6NjU0YjFjMmQzZTRmNWE2YjdjOGQ5ZTBm"
    assert (await gql("query($id: ID!) { customer(id: $id) { name } }", id=unknown))[
        "customer"
    ] is None


async def test_nodes_takes_at_most_100_ids(gql: GraphQLClient) -> None:
    errors = await gql.errors("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", ids=["x"] * 101)
    assert errors[0]["extensions"]["code"] == "OUT_OF_RANGE"
