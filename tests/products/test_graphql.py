"""Product queries and mutations through the schema."""

from __future__ import annotations

from tests import factories
from tests.conftest import GraphQLClient

UPDATE = """
mutation($id: ID!, $input: UpdateProductInput!) {
  updateProduct(id: $id, input: $input) {
    product { sku name price { amount currency } active description }
    userErrors { field code message }
  }
}"""


async def test_create_product_keeps_price_exact(gql: GraphQLClient) -> None:
    product = await factories.product(gql, sku="ear-01", price="79.99")
    assert product["sku"] == "EAR-01"
    assert product["price"] == {"amount": "79.99", "currency": "USD"}
    data = await gql("query($id: ID!) { product(id: $id) { price { amount } } }", id=product["id"])
    assert data["product"]["price"]["amount"] == "79.99"


async def test_zero_decimal_currency(gql: GraphQLClient) -> None:
    product = await factories.product(gql, sku="JP-1", price="1200", currency="jpy")
    assert product["price"] == {"amount": "1200", "currency": "JPY"}


async def test_bad_price_and_currency_are_user_errors(gql: GraphQLClient) -> None:
    cases = [
        ({"price": "-1"}, ("price", "OUT_OF_RANGE")),
        ({"price": "1.001"}, ("price", "INVALID")),
        ({"currency": "XXX"}, ("currency", "INVALID")),
        ({"sku": "bad sku!"}, ("sku", "INVALID")),
        ({"sku": "S" * 65}, ("sku", "TOO_LONG")),
    ]
    for values, expected in cases:
        base = {"sku": "SKU-9", "name": "Thing", "price": "1.00", "currency": "USD"}
        data = await gql(factories.CREATE_PRODUCT, input={**base, **values})
        errors = [(e["field"], e["code"]) for e in data["createProduct"]["userErrors"]]
        assert errors == [expected], values
    assert (await gql("{ products { totalCount } }"))["products"]["totalCount"] == 0


async def test_non_numeric_price_is_a_graphql_error(gql: GraphQLClient) -> None:
    base = {"sku": "SKU-9", "name": "Thing", "price": "ten", "currency": "USD"}
    errors = await gql.errors(factories.CREATE_PRODUCT, input=base)
    assert "price" in errors[0]["message"]


async def test_duplicate_sku_is_case_insensitive(gql: GraphQLClient) -> None:
    await factories.product(gql, sku="SKU-1")
    data = await gql(
        factories.CREATE_PRODUCT,
        input={"sku": "sku-1", "name": "Again", "price": "1.00", "currency": "USD"},
    )
    assert [(e["field"], e["code"]) for e in data["createProduct"]["userErrors"]] == [
        ("sku", "DUPLICATE")
    ]


async def test_update_product(gql: GraphQLClient) -> None:
    product = await factories.product(gql, sku="SKU-1", price="10.00")
    other = await factories.product(gql, sku="SKU-2")
    data = await gql(UPDATE, id=product["id"], input={"price": "12.50", "active": False})
    assert data["updateProduct"]["product"]["price"] == {"amount": "12.50", "currency": "USD"}
    assert data["updateProduct"]["product"]["active"] is False
    data = await gql(UPDATE, id=product["id"], input={"currency": "EUR"})
    assert [e["code"] for e in data["updateProduct"]["userErrors"]] == ["REQUIRED"]
    data = await gql(UPDATE, id=product["id"], input={"currency": "EUR", "price": "11.00"})
    assert data["updateProduct"]["product"]["price"] == {"amount": "11.00", "currency": "EUR"}
    data = await gql(UPDATE, id=other["id"], input={"sku": "SKU-1"})
    assert [e["code"] for e in data["updateProduct"]["userErrors"]] == ["DUPLICATE"]


async def test_products_filter_and_sort_by_price(gql: GraphQLClient) -> None:
    await factories.product(gql, sku="A", price="5.00")
    await factories.product(gql, sku="B", price="50.00", active=False)
    await factories.product(gql, sku="C", price="20.00")
    data = await gql(
        """{ products(filter: {active: true}, orderBy: [{field: PRICE, direction: DESC}]) {
            totalCount edges { node { sku } } } }"""
    )
    assert [e["node"]["sku"] for e in data["products"]["edges"]] == ["C", "A"]
    assert data["products"]["totalCount"] == 2
