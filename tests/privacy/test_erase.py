"""``eraseCustomer``: no field anywhere keeps the customer's name, email or phone."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest

from app.auth.roles import Role
from app.core.db import MongoDatabase
from app.customers.repository import CustomerRepository
from app.imports.files import ImportFiles
from app.orders.repository import OrderRepository
from app.privacy.erasers import AuditEraser
from app.privacy.service import ErasureService
from tests.conftest import GraphQLClient
from tests.factories import customer
from tests.privacy.seeding import seed_person

ERASE = """mutation($id: ID!, $reason: String!) {
  eraseCustomer(customerId: $id, reason: $reason) {
    erasure { customerId pseudonym erasedAt reason changes { place count }
              needsExpiry { place count note } }
    userErrors { field code message } } }"""

ZELDA = ("Zelda Quixote", "zelda.quixote@example.com", "+44 20 7946 0958")
OTHER = ("Otto Brennan", "otto.brennan@example.com", "+1 202 555 0175")
# A customer with a long history (each order write costs ~10 ms on the embedded store).
SIZE = 1000
ZELDA_OLD_PHONE, OTHER_OLD_PHONE = "+44 20 7946 0111", "+1 202 555 0111"


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, bytes):
        yield value.decode("utf-8", errors="replace")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


async def _holders(db: MongoDatabase, needles: tuple[str, ...]) -> list[tuple[str, str]]:
    """Every (collection, string) in the whole database holding one of ``needles``."""
    pattern = re.compile("|".join(re.escape(n) for n in needles), re.IGNORECASE)
    found = []
    for name in sorted(await db.list_collection_names()):
        async for document in db[name].find({}):
            found += [(name, text) for text in _strings(document) if pattern.search(text)]
    return found


async def _erase(gql: GraphQLClient, customer_id: str, reason: str) -> dict[str, Any]:
    data = await gql(ERASE, id=customer_id, reason=reason)
    payload: dict[str, Any] = data["eraseCustomer"]
    return payload


async def test_erase_leaves_no_name_email_or_phone_anywhere_and_keeps_others(
    gql: GraphQLClient,
) -> None:
    db = gql.database.db
    zelda = await seed_person(gql, *ZELDA, ZELDA_OLD_PHONE, sku="Z-1")
    other = await seed_person(gql, *OTHER, OTHER_OLD_PHONE, sku="O-1")
    needles = (*ZELDA, ZELDA_OLD_PHONE, "Zelda")
    seeded = {place for place, _ in await _holders(db, ZELDA)}
    assert seeded == {
        "audit_log",
        "campaign_events",
        "customers",
        "jobs",
        "orders",
        "rule_runs",
        "tagging_examples",
        "tasks",
        "tickets",
    }
    totals = [o["total"] async for o in db["orders"].find({"customerId": zelda["oid"]})]
    others_before = await _holders(db, (*OTHER, OTHER_OLD_PHONE))

    payload = await _erase(gql, zelda["id"], f"Art. 17 request by {ZELDA[1]}")

    assert payload["userErrors"] == []
    erasure = payload["erasure"]
    assert erasure["customerId"] == zelda["id"]
    assert erasure["reason"] == "Art. 17 request by [erased]"
    counts = {c["place"]: c["count"] for c in erasure["changes"]}
    assert counts["customers"] == 1
    assert counts["orders"] == 1
    assert counts["tickets"] == 1
    assert counts["audit_log"] >= 5
    assert counts["jobs"] == 1
    assert await _holders(db, needles) == []
    # Orders and their amounts stay, under the pseudonymous tombstone.
    kept = [o["total"] async for o in db["orders"].find({"customerId": zelda["oid"]})]
    assert sorted(kept) == sorted(totals)
    assert len(kept) == 2
    tomb = await CustomerRepository(db).get(zelda["oid"])
    assert tomb is not None
    assert tomb["erased"]
    assert tomb["name"] == erasure["pseudonym"]
    assert tomb["erasure"]["state"] == "ERASED"
    assert tomb["archivedAt"] is not None
    # The other customer's data is untouched, down to every string.
    assert await _holders(db, (*OTHER, OTHER_OLD_PHONE)) == others_before
    assert (await CustomerRepository(db).get(other["oid"]) or {}).get("erased") is None
    # The erase itself is audited, without the personal data.
    entries = await db["audit_log"].find({"mutation": "eraseCustomer"}).to_list()
    assert [e["objectId"] for e in entries] == [zelda["id"]]


async def test_email_registers_again_after_erase(gql: GraphQLClient) -> None:
    first = await customer(gql, "Ada Lovelace", email="ada@example.com")
    assert (await _erase(gql, first["id"], "customer request"))["userErrors"] == []
    again = await customer(gql, "Ada Lovelace", email="ada@example.com")
    assert again["id"] != first["id"]


async def test_erase_twice_is_already_erased_and_changes_nothing(gql: GraphQLClient) -> None:
    person = await customer(gql, "Ada Lovelace")
    await _erase(gql, person["id"], "customer request")
    before = await gql.database.db["customers"].find({}).to_list()
    payload = await _erase(gql, person["id"], "again")
    assert payload["erasure"] is None
    assert [e["code"] for e in payload["userErrors"]] == ["ALREADY_ERASED"]
    assert await gql.database.db["customers"].find({}).to_list() == before


async def test_unknown_customer_and_missing_reason_are_refused(gql: GraphQLClient) -> None:
    unknown = "Q3VzdG9tZXI6NjU0YjFjMmQzZTRmNWE2YjdjOGQ5ZTBm"  # Customer:654b1c2d3e4f5a6b7c8d9e0f
    payload = await _erase(gql, unknown, "request")
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [("customerId", "NOT_FOUND")]
    person = await customer(gql, "Ada Lovelace")
    payload = await _erase(gql, person["id"], "  ")
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [("reason", "REQUIRED")]
    stored = await CustomerRepository(gql.database.db).get(payload and _oid(person["id"]))
    assert stored is not None
    assert stored["name"] == "Ada Lovelace"
    assert "erasure" not in stored
    payload = await _erase(gql, "not-an-id", "request")
    assert [e["code"] for e in payload["userErrors"]] == ["INVALID"]


def _oid(global_id: str) -> Any:
    from app.graphql.relay import decode_id

    return decode_id(global_id, "Customer")


async def test_only_admins_erase(
    gql: GraphQLClient, as_role: Callable[[Role | None], Awaitable[GraphQLClient]]
) -> None:
    person = await customer(gql, "Ada Lovelace")
    for role in (Role.MANAGER, Role.AGENT, Role.ANALYST, None):
        client = await as_role(role)
        errors = await client.errors(ERASE, id=person["id"], reason="request")
        assert errors[0]["extensions"]["code"] in ("FORBIDDEN", "UNAUTHENTICATED"), errors
    stored = await CustomerRepository(gql.database.db).get(_oid(person["id"]))
    assert stored is not None
    assert stored["name"] == "Ada Lovelace"
    admin = await as_role(Role.ADMIN)
    assert (await _erase(admin, person["id"], "request"))["userErrors"] == []


async def test_pending_upload_that_mentions_the_customer_is_listed_for_expiry(
    gql: GraphQLClient,
) -> None:
    person = await customer(gql, "Ada Lovelace", email="ada@example.com")
    await ImportFiles(gql.database.db).put("people.csv", b"name,email\nAda,ada@example.com\n")
    await ImportFiles(gql.database.db).put("other.csv", b"name,email\nBob,bob@example.com\n")
    erasure = (await _erase(gql, person["id"], "request"))["erasure"]
    assert [(e["place"], e["count"]) for e in erasure["needsExpiry"]] == [("imports.files", 1)]


async def test_orders_at_size_keep_their_totals(gql: GraphQLClient) -> None:
    person = await customer(gql, "Ada Lovelace")
    oid = _oid(person["id"])
    orders = [
        {
            "number": f"N-{i}",
            "customerId": oid,
            "items": [],
            "currency": "USD",
            "total": i,
            "status": "PAID",
            "placedAt": None,
            "createdAt": None,
            "updatedAt": None,
            "statusHistory": [{"status": "PAID", "at": None, "note": f"Ada Lovelace #{i}"}],
        }
        for i in range(SIZE)
    ]
    await OrderRepository(gql.database.db).insert_many(orders)
    erasure = (await _erase(gql, person["id"], "request"))["erasure"]
    assert {c["place"]: c["count"] for c in erasure["changes"]}["orders"] == SIZE
    totals = [o["total"] async for o in gql.database.db["orders"].find({"customerId": oid})]
    assert sorted(totals) == list(range(SIZE))
    assert await _holders(gql.database.db, ("Ada Lovelace",)) == []


async def test_erase_that_died_half_way_is_finished_by_a_rerun(
    gql: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = gql.database.db
    zelda = await seed_person(gql, *ZELDA, ZELDA_OLD_PHONE, sku="Z-1")

    async def dies(self: object, db: object, subject: object) -> int:
        raise ConnectionError("the process died here")

    monkeypatch.setattr(AuditEraser, "erase", dies)
    with pytest.raises(ConnectionError):
        await ErasureService(db).erase(zelda["oid"], "customer request")
    stored = await CustomerRepository(db).get(zelda["oid"])
    assert stored is not None
    assert stored["erasure"]["state"] == "ERASING"
    assert stored["email"] == ZELDA[1]  # the record keeps what a re-run needs
    assert {place for place, _ in await _holders(db, ZELDA)} == {"audit_log", "customers"}
    monkeypatch.undo()

    payload = await _erase(gql, zelda["id"], "customer request, second try")

    assert payload["userErrors"] == []
    assert payload["erasure"]["reason"] == "customer request"  # the first attempt's
    counts = {c["place"]: c["count"] for c in payload["erasure"]["changes"]}
    assert counts["tickets"] == 0  # done by the first attempt
    assert counts["audit_log"] >= 5
    assert await _holders(db, (*ZELDA, ZELDA_OLD_PHONE)) == []


async def test_an_erased_customer_takes_no_update_and_stays_archived(gql: GraphQLClient) -> None:
    person = await customer(gql, "Ada Lovelace")
    await _erase(gql, person["id"], "customer request")
    update = """mutation($id: ID!) { updateCustomer(id: $id, input: {name: "Ada Lovelace"}) {
      customer { id } userErrors { field code } } }"""
    restore = """mutation($id: ID!) { restoreCustomer(id: $id) {
      customer { id } userErrors { field code } } }"""
    for operation, name in ((update, "updateCustomer"), (restore, "restoreCustomer")):
        payload = (await gql(operation, id=person["id"]))[name]
        assert payload["userErrors"] == [{"field": "id", "code": "ALREADY_ERASED"}]
    stored = await CustomerRepository(gql.database.db).get(_oid(person["id"]))
    assert stored is not None
    assert stored["name"].startswith("erased-")
    assert stored["archivedAt"] is not None
