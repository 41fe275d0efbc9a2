"""A customer seeded everywhere their data can live: through the API where it can, through
the repositories (as their jobs write them) elsewhere."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bson import ObjectId

from app.audit.repository import AuditRepository
from app.campaigns.repository import (
    CampaignAssignmentRepository,
    CampaignEventRepository,
    CampaignRepository,
    assignment_document,
)
from app.core.db import MongoDatabase
from app.graphql.relay import decode_id
from app.jobs.models import JobKind
from app.jobs.repository import JobRepository
from app.propensity.repository import PropensityModelRepository, PropensityScoreRepository
from app.segmentation.repository import AssignmentRepository, SegmentationRunRepository
from app.tagging.repository import ExampleRepository
from app.tickets.repository import TicketRepository
from app.workflow.repository import RuleRunRepository, TaskRepository
from tests.conftest import GraphQLClient, customer_says
from tests.factories import customer, order, product, ticket

UPDATE_CUSTOMER = """mutation($id: ID!, $input: UpdateCustomerInput!) {
  updateCustomer(id: $id, input: $input) { customer { id } userErrors { code } } }"""
ORDER_STATUS = """mutation($id: ID!, $note: String) {
  updateOrderStatus(id: $id, status: PAID, note: $note) { order { id } userErrors { code } } }"""
REPLY = """mutation($id: ID!, $body: String!) {
  addTicketMessage(ticketId: $id, input: {body: $body}) { ticket { id } userErrors { code } } }"""


async def seed_person(
    gql: GraphQLClient, name: str, email: str, phone: str, old_phone: str, sku: str
) -> dict[str, Any]:
    """One customer with orders, a ticket and its conversation, an update (audited), and
    copies of their data in every other place; returns their IDs and values."""
    db: MongoDatabase = gql.database.db
    first = name.split()[0]
    person = await customer(
        gql,
        name,
        email=email,
        phone=old_phone,  # changed below: the old value lives on in the audit trail
        company=f"{first} Holdings",
        address={"line1": f"1 {first} Street", "city": "Springfield", "postalCode": "12345"},
    )
    await gql(UPDATE_CUSTOMER, id=person["id"], input={"phone": phone})
    item = await product(gql, sku=sku, price="12.50")
    orders = [await order(gql, person["id"], [(item["id"], n)]) for n in (1, 2)]
    await gql(ORDER_STATUS, id=orders[0]["id"], note=f"{name} paid by phone {phone}")
    opened = await ticket(
        gql, person["id"], subject=f"Refund for {name}", body=f"Reach me at {email} or {phone}."
    )
    await gql(REPLY, id=opened["id"], body=f"Dear {first}, we are on it.")
    await customer_says(gql, opened["id"], {"body": f"Thanks, {name} ({email})"})
    customer_id = decode_id(person["id"], "Customer")
    ticket_id = decode_id(opened["id"], "Ticket")
    await _copies(db, customer_id, ticket_id, name, email, phone)
    assert await AuditRepository(db).count({"objectId": person["id"]}) == 2  # create, update
    return {"id": person["id"], "oid": customer_id, "orders": orders, "ticket": opened}


async def _copies(
    db: MongoDatabase, customer_id: ObjectId, ticket_id: ObjectId, name: str, email: str, phone: str
) -> None:
    now = datetime.now(UTC)
    rating = {"rating": 2, "comment": f"{name} was kept waiting", "at": now}
    await TicketRepository(db).collection.update_one(
        {"_id": ticket_id}, {"$set": {"satisfaction": rating, "ratings": [rating]}}
    )
    await ExampleRepository(db).record(ticket_id, f"Refund for {name}", ["refund"], now)
    await RuleRunRepository(db).record(
        [
            {
                "ruleId": ObjectId(),
                "ticketId": ticket_id,
                "at": now,
                "changes": [{"field": "reply", "from": None, "to": f"Hello {name}"}],
            }
        ]
    )
    await TaskRepository(db).insert(
        {
            "title": f"Call {name} on {phone}",
            "ticketId": ticket_id,
            "customerId": customer_id,
            "status": "OPEN",
            "dueAt": now,
            "assigneeId": None,
            "createdAt": now,
        }
    )
    for runs, rows in (
        (SegmentationRunRepository, AssignmentRepository),
        (PropensityModelRepository, PropensityScoreRepository),
    ):
        run = await db[runs.collection_name].insert_one({"status": "SUCCEEDED", "createdAt": now})
        await db[rows.collection_name].insert_one(
            {"runId": run.inserted_id, "customerId": customer_id, "key": "champions"}
        )
    campaign = await db[CampaignRepository.collection_name].insert_one(
        {"name": f"Spring {ObjectId()}", "nameKey": str(ObjectId()), "createdAt": now}
    )
    await CampaignAssignmentRepository(db).collection.insert_one(
        assignment_document(campaign.inserted_id, customer_id, "A", now, "events")
    )
    await CampaignEventRepository(db).collection.insert_one(
        {
            "_id": str(ObjectId()),
            "campaignId": campaign.inserted_id,
            "customerId": customer_id,
            "event": "OPENED",
            "at": now,
            "meta": {"to": email},
        }
    )
    job = await JobRepository(db).enqueue(JobKind.IMPORT, {"file": "people.csv"}, now)
    await db[JobRepository.collection_name].update_one(
        {"_id": job["_id"]},
        {"$set": {"result": {"errors": [{"row": 3, "message": f"{email} exists ({name})"}]}}},
    )
