"""Import rows as users' files really come: currencies that do not match the catalogue,
broken CSV quoting, other delimiters; and the uploaded file is not kept."""

from __future__ import annotations

from tests.conftest import GraphQLClient
from tests.imports.test_graphql import run_import

PRODUCTS = b"sku,name,price,currency\nJP-1,Tea set,1000,JPY\nUS-1,Mug,12.50,USD\n"
CUSTOMERS = b"email,name\nada@example.com,Ada\n"


async def test_an_order_line_in_another_currency_than_its_product_is_refused(
    gql: GraphQLClient,
) -> None:
    await run_import(gql, "PRODUCTS", PRODUCTS)
    await run_import(gql, "CUSTOMERS", CUSTOMERS)
    orders = (
        b"number,customerEmail,sku,quantity,currency\n"
        b"X-1,ada@example.com,JP-1,1,USD\n"  # 1,000 yen must not become 10.00 dollars
        b"X-2,ada@example.com,JP-1,1,JPY\n"
        b"X-3,ada@example.com,US-1,2,\n"
    )
    result = (await run_import(gql, "ORDERS", orders))["result"]
    assert (result["imported"], result["failed"]) == (2, 1)
    assert [(f["row"], f["field"], f["code"]) for f in result["failures"]] == [
        (2, "currency", "CURRENCY_MISMATCH")
    ]
    yen = await gql('{ orderByNumber(number: "X-2") { total { amount currency } } }')
    assert yen["orderByNumber"] == {"total": {"amount": "1000", "currency": "JPY"}}
    assert (await gql('{ orderByNumber(number: "X-1") { number } }'))["orderByNumber"] is None


async def test_an_unterminated_quote_fails_the_file_instead_of_swallowing_rows(
    gql: GraphQLClient,
) -> None:
    csv = (
        b"email,name,company\n"
        b'ada@example.com,Ada,"Engines\n'
        b"grace@example.com,Grace,Navy\n"
        b"alan@example.com,Alan,Bletchley\n"
    )
    job = await run_import(gql, "CUSTOMERS", csv)
    assert job["status"] == "FAILED"
    assert job["error"]["code"] == "INVALID_FILE"
    assert "quote" in job["error"]["message"]
    assert "line 2" in job["error"]["message"]
    assert (await gql("{ customers { totalCount } }"))["customers"]["totalCount"] == 0


async def test_a_semicolon_separated_file_is_named_as_such(gql: GraphQLClient) -> None:
    job = await run_import(gql, "CUSTOMERS", b"email;name\nada@example.com;Ada\n")
    assert job["status"] == "FAILED"
    message = job["error"]["message"]
    assert "separated by ';'" in message
    assert "email;name" in message


async def test_the_uploaded_file_is_deleted_when_its_job_ends(gql: GraphQLClient) -> None:
    await run_import(gql, "CUSTOMERS", CUSTOMERS)
    await run_import(gql, "CUSTOMERS", b"not,a,customer,file\n")  # a failed job too
    assert await gql.database.db["imports.files"].count_documents({}) == 0
    assert await gql.database.db["imports.chunks"].count_documents({}) == 0
