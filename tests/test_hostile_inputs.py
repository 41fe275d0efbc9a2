"""Random and hostile values in IDs, cursors, filters and search: always a clear error or a
correct empty answer, never a server error and never a Mongo operator smuggled in."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from graphql import GraphQLError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.paging import InvalidCursor, decode_cursor
from app.graphql.relay import InvalidGlobalId, parse_id
from tests import factories
from tests.conftest import GraphQLClient

HOSTILE_TEXT = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        ["$ne", "$where", "{'$gt': ''}", ".*", "^", "\\", "\x00", "' OR 1=1 --", "🙂" * 50]
    ),
    st.text(alphabet="$.{}[]\"'\\", max_size=40),
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | HOSTILE_TEXT,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(HOSTILE_TEXT, children, max_size=4)
    ),
    max_leaves=10,
)
# Errors a client may see for bad input. Anything else (no code) must be a GraphQL validation
# error, which has no path.
EXPECTED_CODES = {
    "INVALID_ID",
    "INVALID_CURSOR",
    "INVALID_PAGE",
    "INVALID_FILTER",
    "PAGE_SIZE_OUT_OF_RANGE",
}
SLOW = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@given(st.one_of(st.text(max_size=200), st.binary(max_size=100).map(lambda b: b.decode("latin-1"))))
def test_parse_id_accepts_only_its_own_ids(value: str) -> None:
    try:
        type_name, _ = parse_id(value)
    except InvalidGlobalId:
        return
    assert isinstance(type_name, str)


@given(
    st.one_of(
        HOSTILE_TEXT,
        JSON_VALUES.map(lambda v: base64.urlsafe_b64encode(json.dumps(v).encode()).decode()),
    )
)
def test_decode_cursor_refuses_anything_it_did_not_issue(value: str) -> None:
    sort = [("createdAt", -1), ("_id", -1)]
    with pytest.raises(InvalidCursor):
        decode_cursor(value, sort)


def assert_clear(result: Any) -> None:
    for error in result.errors or []:
        code = (error.extensions or {}).get("code")
        if code is None:
            # Validation and variable-coercion errors: before execution, no path, and nothing
            # underneath but GraphQL's own error.
            assert error.path is None, f"unexpected execution error: {error}"
            original = error.original_error
            assert original is None or isinstance(original, GraphQLError), repr(error)
        else:
            assert code in EXPECTED_CODES, error


@pytest.fixture
async def shop(gql: GraphQLClient) -> GraphQLClient:
    customer = await factories.customer(gql, "Ada Lovelace", tags=["vip"])
    await factories.ticket(gql, customer["id"])
    return gql


@SLOW
@given(value=HOSTILE_TEXT, values=st.lists(HOSTILE_TEXT, max_size=5))
async def test_hostile_strings_in_filters_and_search(
    shop: GraphQLClient, value: str, values: list[str]
) -> None:
    query = """query($f: CustomerFilter, $t: TicketFilter, $q: String) {
        customers(filter: $f, search: $q) { totalCount edges { node { name } } }
        tickets(filter: $t, search: $q) { totalCount } }"""
    customer_filter = {
        "name": {"eq": value, "contains": value, "startsWith": value, "in": values},
        "tags": {"any": values, "all": values},
        "email": {"contains": value},
    }
    ticket_filter = {"tags": {"any": values}}
    result = await shop.execute(query, f=customer_filter, t=ticket_filter, q=value)
    assert_clear(result)
    if result.errors is None and value != "Ada Lovelace":
        assert result.data["customers"]["totalCount"] <= 1


@SLOW
@given(filter_value=JSON_VALUES)
async def test_wrong_types_where_strings_belong_are_validation_errors(
    shop: GraphQLClient, filter_value: Any
) -> None:
    query = "query($f: CustomerFilter) { customers(filter: $f) { totalCount } }"
    result = await shop.execute(query, f={"name": {"eq": filter_value}})
    assert_clear(result)
    if not isinstance(filter_value, str) and filter_value is not None:
        assert result.errors


@SLOW
@given(
    global_id=HOSTILE_TEXT,
    cursor=HOSTILE_TEXT,
    size=st.one_of(st.none(), st.integers(min_value=-(2**31), max_value=2**31 - 1)),
)
async def test_hostile_ids_cursors_and_page_sizes(
    shop: GraphQLClient, global_id: str, cursor: str, size: int | None
) -> None:
    query = """query($id: ID!, $ids: [ID!]!, $c: String, $n: Int) {
        node(id: $id) { id } nodes(ids: $ids) { id }
        orders(first: $n, after: $c) { totalCount }
        tickets(last: $n, before: $c, filter: {customerId: $id}) { totalCount } }"""
    result = await shop.execute(query, id=global_id, ids=[global_id], c=cursor, n=size)
    assert_clear(result)
