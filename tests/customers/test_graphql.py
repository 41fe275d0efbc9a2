"""Customer queries and mutations through the schema."""

from __future__ import annotations

from tests import factories
from tests.conftest import GraphQLClient

UPDATE = """
mutation($id: ID!, $input: UpdateCustomerInput!) {
  updateCustomer(id: $id, input: $input) {
    customer { id name email phone company tags lifecycleStage address { city country postalCode } }
    userErrors { field code message }
  }
}"""


async def test_create_customer_stores_normalised_email_and_defaults(gql: GraphQLClient) -> None:
    customer = await factories.customer(gql, "Ada Lovelace", email="  Ada@Example.COM ")
    assert customer["email"] == "ada@example.com"
    assert customer["lifecycleStage"] == "LEAD"
    data = await gql("query($id: ID!) { customer(id: $id) { name email } }", id=customer["id"])
    assert data["customer"] == {"name": "Ada Lovelace", "email": "ada@example.com"}


async def test_customer_by_email_is_case_insensitive(gql: GraphQLClient) -> None:
    await factories.customer(gql, "Grace Hopper", email="grace@example.com")
    data = await gql('{ customerByEmail(email: "GRACE@example.com") { name } }')
    assert data["customerByEmail"] == {"name": "Grace Hopper"}
    data = await gql('{ customerByEmail(email: "nobody@example.com") { name } }')
    assert data["customerByEmail"] is None


async def test_duplicate_email_is_a_user_error_and_writes_nothing(gql: GraphQLClient) -> None:
    await factories.customer(gql, "Ada Lovelace", email="ada@example.com")
    data = await gql(
        factories.CREATE_CUSTOMER, input={"name": "Ada Two", "email": "ADA@example.com"}
    )
    payload = data["createCustomer"]
    assert payload["customer"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [("email", "DUPLICATE")]
    count = await gql("{ customers { totalCount } }")
    assert count["customers"]["totalCount"] == 1


async def test_invalid_input_reports_every_field(gql: GraphQLClient) -> None:
    data = await gql(
        factories.CREATE_CUSTOMER,
        input={
            "name": "x" * 201,
            "email": "not-an-email",
            "phone": "call me maybe",
            "address": {"country": "Narnia"},
            "tags": ["ok", "t" * 51],
        },
    )
    errors = {(e["field"], e["code"]) for e in data["createCustomer"]["userErrors"]}
    assert errors == {
        ("name", "TOO_LONG"),
        ("email", "INVALID"),
        ("phone", "INVALID"),
        ("address.country", "INVALID"),
        ("tags.1", "TOO_LONG"),
    }
    assert (await gql("{ customers { totalCount } }"))["customers"]["totalCount"] == 0


async def test_blank_required_fields_are_required_errors(gql: GraphQLClient) -> None:
    data = await gql(factories.CREATE_CUSTOMER, input={"name": "  ", "email": ""})
    errors = {(e["field"], e["code"]) for e in data["createCustomer"]["userErrors"]}
    assert errors == {("name", "REQUIRED"), ("email", "REQUIRED")}


async def test_update_changes_only_given_fields_and_null_clears(gql: GraphQLClient) -> None:
    customer = await factories.customer(
        gql, "Ada Lovelace", phone="+44 20 1234", company="Analytical Engines", tags=["vip"]
    )
    data = await gql(
        UPDATE,
        id=customer["id"],
        input={
            "company": None,
            "lifecycleStage": "CUSTOMER",
            "address": {"city": "London", "country": "gb", "postalCode": "N1"},
        },
    )
    updated = data["updateCustomer"]["customer"]
    assert data["updateCustomer"]["userErrors"] == []
    assert updated["phone"] == "+44 20 1234"
    assert updated["company"] is None
    assert updated["tags"] == ["vip"]
    assert updated["lifecycleStage"] == "CUSTOMER"
    assert updated["address"] == {"city": "London", "country": "GB", "postalCode": "N1"}


async def test_update_to_taken_email_is_duplicate(gql: GraphQLClient) -> None:
    await factories.customer(gql, "Ada Lovelace", email="ada@example.com")
    grace = await factories.customer(gql, "Grace Hopper", email="grace@example.com")
    data = await gql(UPDATE, id=grace["id"], input={"email": "ada@example.com"})
    assert [e["code"] for e in data["updateCustomer"]["userErrors"]] == ["DUPLICATE"]
    again = await gql("query($id: ID!) { customer(id: $id) { email } }", id=grace["id"])
    assert again["customer"]["email"] == "grace@example.com"


async def test_update_unknown_or_malformed_id(gql: GraphQLClient) -> None:
    product = await factories.product(gql)
    cases = {
        "bm9wZQ": "INVALID",  # not a global ID
        product["id"]: "INVALID",  # an ID of another type
        "Q3VzdG9tZXI6NjU0YjFjMmQzZTRmNWE2YjdjOGQ5ZTBm": "NOT_FOUND",  # Customer:<unknown>
    }
    for global_id, code in cases.items():
        data = await gql(UPDATE, id=global_id, input={"name": "X"})
        errors = data["updateCustomer"]["userErrors"]
        assert [(e["field"], e["code"]) for e in errors] == [("id", code)], global_id


async def test_archive_hides_customer_and_restore_brings_back(gql: GraphQLClient) -> None:
    ada = await factories.customer(gql, "Ada Lovelace")
    await factories.customer(gql, "Grace Hopper")
    archive = """mutation($id: ID!) { archiveCustomer(id: $id) {
        customer { archivedAt } userErrors { code } } }"""
    restore = """mutation($id: ID!) { restoreCustomer(id: $id) {
        customer { archivedAt } userErrors { code } } }"""
    data = await gql(archive, id=ada["id"])
    assert data["archiveCustomer"]["customer"]["archivedAt"] is not None
    listed = await gql("{ customers { totalCount edges { node { name } } } }")
    assert [e["node"]["name"] for e in listed["customers"]["edges"]] == ["Grace Hopper"]
    everyone = await gql("{ customers(filter: {includeArchived: true}) { totalCount } }")
    assert everyone["customers"]["totalCount"] == 2
    again = await gql(archive, id=ada["id"])
    assert again["archiveCustomer"]["userErrors"] == [{"code": "INVALID_TRANSITION"}]
    data = await gql(restore, id=ada["id"])
    assert data["restoreCustomer"]["customer"]["archivedAt"] is None
    again = await gql(restore, id=ada["id"])
    assert again["restoreCustomer"]["userErrors"] == [{"code": "INVALID_TRANSITION"}]
    assert (await gql("{ customers { totalCount } }"))["customers"]["totalCount"] == 2


async def test_filters_combine(gql: GraphQLClient) -> None:
    await factories.customer(
        gql, "Ada Lovelace", tags=["vip", "b2b"], lifecycleStage="CUSTOMER", company="Engines Ltd"
    )
    await factories.customer(gql, "Alan Turing", tags=["vip"], lifecycleStage="LEAD")
    await factories.customer(gql, "Grace Hopper", tags=["b2b"], lifecycleStage="CUSTOMER")

    async def names(filter_: dict[str, object]) -> list[str]:
        data = await gql(
            """query($f: CustomerFilter) {
                customers(filter: $f, orderBy: [{field: NAME, direction: ASC}]) {
                edges { node { name } } } }""",
            f=filter_,
        )
        return [e["node"]["name"] for e in data["customers"]["edges"]]

    assert await names({"tags": {"any": ["vip"]}}) == ["Ada Lovelace", "Alan Turing"]
    assert await names({"tags": {"all": ["vip", "b2b"]}}) == ["Ada Lovelace"]
    assert await names({"tags": {"any": ["b2b", "nobody"]}}) == ["Ada Lovelace", "Grace Hopper"]
    assert await names({"tags": {"any": ["vip"], "all": ["b2b"]}}) == ["Ada Lovelace"]
    assert await names({"lifecycleStage": ["CUSTOMER"]}) == ["Ada Lovelace", "Grace Hopper"]
    assert await names({"name": {"startsWith": "A"}, "lifecycleStage": ["LEAD"]}) == ["Alan Turing"]
    assert await names({"company": {"contains": "ENGINES"}}) == ["Ada Lovelace"]
    assert await names({"email": {"in": ["grace@example.com", "alan@example.com"]}}) == [
        "Alan Turing",
        "Grace Hopper",
    ]
    assert await names({"name": {"contains": ".*"}}) == []  # regex characters are literal


async def test_search_matches_words_in_name_email_and_company(gql: GraphQLClient) -> None:
    await factories.customer(gql, "Ada Lovelace", company="Analytical Engines")
    await factories.customer(gql, "Grace Hopper", company="Navy")
    await factories.customer(gql, "王小明", email="wang@example.cn", company="北京 科技")
    query = (
        """query($q: String!) { customers(search: $q) { totalCount edges { node { name } } } }"""
    )
    for term, expected in [
        ("engines", ["Ada Lovelace"]),
        ("hopper", ["Grace Hopper"]),
        ("北京", ["王小明"]),
    ]:
        data = await gql(query, q=term)
        assert [e["node"]["name"] for e in data["customers"]["edges"]] == expected, term
        assert data["customers"]["totalCount"] == len(expected)
