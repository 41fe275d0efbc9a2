"""``exportCustomerData``: one JSON document holding every document anywhere in the database
that is about the customer, and nothing about anyone else."""

from __future__ import annotations

import json
import re
from typing import Any

from bson import ObjectId

from app.core.db import MongoDatabase
from app.privacy.holdings import SECTIONS
from tests.conftest import GraphQLClient
from tests.exports.test_exports import download
from tests.privacy.seeding import seed_person
from tests.privacy.test_erase import ERASE, OTHER, OTHER_OLD_PHONE, ZELDA, ZELDA_OLD_PHONE, _strings
from tests.webhooks.flows import endpoint
from tests.webhooks.receiver import Receiver

EXPORT = """mutation($id: ID!) { exportCustomerData(customerId: $id) {
  export { customerId bytes expiresAt url sections { name count } }
  userErrors { field code message } } }"""
EVENTS = ("CUSTOMER_CREATED", "CUSTOMER_UPDATED", "ORDER_CREATED", "TICKET_CREATED")
# The export's own file.
NOT_SCANNED = {"exports.files", "exports.chunks"}


async def _about(
    db: MongoDatabase, customer_id: ObjectId, needles: tuple[str, ...]
) -> set[tuple[str, str]]:
    """(collection, _id) of every document that names the customer by ID, by one of their
    tickets or orders, or by their name, email or phone."""
    pattern = re.compile("|".join(re.escape(n) for n in needles), re.IGNORECASE)
    customers = {"customerId": customer_id}
    tickets = [t["_id"] async for t in db["tickets"].find(customers, {"_id": 1})]
    orders = [o["_id"] async for o in db["orders"].find(customers, {"_id": 1})]
    found = set()
    for name in sorted(set(await db.list_collection_names()) - NOT_SCANNED):
        async for document in db[name].find({}):
            if (
                customer_id in (document["_id"], document.get("customerId"))
                or document.get("ticketId") in tickets
                or document.get("objectRef") in (customer_id, *tickets, *orders)
                or any(pattern.search(text) for text in _strings(document))
            ):
                found.add((name, str(document["_id"])))
    return found


async def _export(gql: GraphQLClient, customer_id: str) -> dict[str, Any]:
    payload: dict[str, Any] = (await gql(EXPORT, id=customer_id))["exportCustomerData"]
    return payload


async def test_the_export_holds_everything_about_the_customer_and_nothing_else(
    gql: GraphQLClient,
) -> None:
    db = gql.database.db
    with Receiver() as receiver:
        await endpoint(gql, receiver.url, *EVENTS)  # deliveries stay pending: nothing sends
        zelda = await seed_person(gql, *ZELDA, ZELDA_OLD_PHONE, sku="Z-1")
        await seed_person(gql, *OTHER, OTHER_OLD_PHONE, sku="O-1")
    expected = await _about(db, zelda["oid"], (*ZELDA, ZELDA_OLD_PHONE))
    assert {place for place, _ in expected} == {
        "audit_log", "campaign_assignments", "campaign_events", "customers", "jobs", "orders",
        "propensity_scores", "rule_runs", "segment_assignments", "tagging_examples", "tasks",
        "tickets", "webhook_deliveries",
    }  # fmt: skip
    deliveries_before = await db["webhook_deliveries"].count_documents({})

    payload = await _export(gql, zelda["id"])

    assert payload["userErrors"] == []
    export = payload["export"]
    assert export["customerId"] == zelda["id"]
    response = await download(gql, export["url"])
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert len(response.content) == export["bytes"]
    document = json.loads(response.content)
    assert document["customerId"] == zelda["id"]
    counts = {s["name"]: s["count"] for s in export["sections"]}
    assert counts == {section.name: len(document[section.name]) for section in SECTIONS}
    exported = {
        (section.collection, item["_id"])
        for section in SECTIONS
        if section.collection is not None
        for item in document[section.name]
    }
    assert exported == expected
    [customer] = document["customer"]
    assert (customer["name"], customer["email"], customer["phone"]) == ZELDA
    [ticket] = document["tickets"]
    assert len(ticket["messages"]) == 2
    assert [a["comment"] for a in document["surveyAnswers"]] == [f"{ZELDA[0]} was kept waiting"]
    assert "Otto" not in response.text
    assert OTHER[1] not in response.text
    # Audited, without the link; announced to no webhook.
    [entry] = await db["audit_log"].find({"mutation": "exportCustomerData"}).to_list()
    assert entry["objectId"] == zelda["id"]
    assert "token" not in json.dumps(entry, default=str)
    assert await db["webhook_deliveries"].count_documents({}) == deliveries_before


async def test_unknown_customer_is_refused_and_an_erase_deletes_the_export(
    gql: GraphQLClient,
) -> None:
    unknown = "Q3VzdG9tZXI6NjU0YjFjMmQzZTRmNWE2YjdjOGQ5ZTBm"  # Customer:654b1c2d3e4f5a6b7c8d9e0f
    refused = await _export(gql, unknown)
    assert refused["export"] is None
    assert [(e["field"], e["code"]) for e in refused["userErrors"]] == [("customerId", "NOT_FOUND")]
    assert await gql.database.db["exports.files"].count_documents({}) == 0
    zelda = await seed_person(gql, *ZELDA, ZELDA_OLD_PHONE, sku="Z-1")
    export = (await _export(gql, zelda["id"]))["export"]
    erased = (await gql(ERASE, id=zelda["id"], reason="request"))["eraseCustomer"]
    changes = {c["place"]: c["count"] for c in erased["erasure"]["changes"]}
    assert changes["customer data exports"] == 1
    assert "exports" not in {e["place"] for e in erased["erasure"]["needsExpiry"]}
    assert (await download(gql, export["url"])).status_code == 410
    assert await gql.database.db["exports.chunks"].count_documents({}) == 0
