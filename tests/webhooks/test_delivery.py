"""Deliveries: signed by the Standard Webhooks scheme, the object and its changes in the
payload, retried with backoff across worker restarts, the same webhook-id on every attempt,
given up after 3 days, the endpoint disabled after 5 days of failures."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from app.core.db import Database
from app.core.settings import Settings
from app.webhooks.repository import WebhookDeliveryRepository
from tests import factories
from tests.conftest import GraphQLClient
from tests.webhooks.flows import (
    REDELIVER,
    UPDATE,
    deliveries,
    dispatch,
    endpoint,
    now,
    time_passes,
)
from tests.webhooks.receiver import InvalidSignature, Receiver, verify

UPDATE_CUSTOMER = """mutation($id: ID!, $input: UpdateCustomerInput!) {
  updateCustomer(id: $id, input: $input) { customer { id } userErrors { code } } }"""
ADD_MESSAGE = """mutation($id: ID!, $input: TicketMessageInput!) {
  addTicketMessage(ticketId: $id, input: $input) { ticket { id } userErrors { code } } }"""
ORDER_STATUS = """mutation($id: ID!) {
  updateOrderStatus(id: $id, status: PAID) { order { id } userErrors { code } } }"""


async def test_signed_payloads_carry_the_object_and_its_changed_fields(
    gql: GraphQLClient, database: Database, settings: Settings
) -> None:
    with Receiver() as receiver:
        _, secret = await endpoint(gql, receiver.url, "CUSTOMER_CREATED", "CUSTOMER_UPDATED")
        assert secret.startswith("whsec_")
        customer = await factories.customer(gql, "Ada Lovelace")
        await gql(UPDATE_CUSTOMER, id=customer["id"], input={"name": "Ada King"})
        assert await dispatch(database, settings) == 2
    payloads = {}
    for request in receiver.received:
        payload = verify(secret, request.headers, request.body)
        payloads[payload["type"]] = payload
        with pytest.raises(InvalidSignature):  # the verifier does reject a changed body
            verify(secret, request.headers, request.body.replace(b"Ada", b"Eve"))
        with pytest.raises(InvalidSignature):
            verify("whsec_" + "A" * 44, request.headers, request.body)
    created = payloads["CUSTOMER_CREATED"]["data"]["object"]
    assert created["id"] == customer["id"]
    assert created["email"] == "ada@example.com"
    changes = payloads["CUSTOMER_UPDATED"]["data"]["changes"]
    assert {"field": "name", "old": "Ada Lovelace", "new": "Ada King"} in changes
    assert [c["field"] for c in changes] == ["name"]
    ids = [request.headers["webhook-id"] for request in receiver.received]
    assert len(set(ids)) == 2
    assert all(i.startswith("msg_") for i in ids)


async def test_orders_tickets_and_messages_announce_themselves(
    gql: GraphQLClient, database: Database, settings: Settings
) -> None:
    events = ("ORDER_CREATED", "ORDER_STATUS_CHANGED", "TICKET_CREATED", "TICKET_MESSAGE_ADDED")
    with Receiver() as receiver:
        endpoint_id, secret = await endpoint(gql, receiver.url, *events)
        customer = await factories.customer(gql)
        pen = await factories.product(gql, sku="PEN", price="2.50")
        order = await factories.order(gql, customer["id"], [(pen["id"], 2)])
        await gql(ORDER_STATUS, id=order["id"])
        ticket = await factories.ticket(gql, customer["id"])
        await gql(ADD_MESSAGE, id=ticket["id"], input={"body": "Any news on my parcel?"})
        assert await dispatch(database, settings) == 4
    by_type = {}
    for request in receiver.received:
        payload = verify(secret, request.headers, request.body)
        by_type[payload["type"]] = payload["data"]
    assert set(by_type) == set(events)
    status = by_type["ORDER_STATUS_CHANGED"]["changes"]
    assert {"field": "status", "old": "PENDING", "new": "PAID"} in status
    assert by_type["ORDER_CREATED"]["object"]["id"] == order["id"]
    assert by_type["TICKET_MESSAGE_ADDED"]["message"]["body"] == "Any news on my parcel?"
    assert "messages" not in by_type["TICKET_CREATED"]["object"]
    listed = await deliveries(gql, endpoint_id, status="DELIVERED")
    assert {d["event"] for d in listed} == set(events)


async def test_failures_are_retried_with_backoff_by_any_worker_and_keep_their_webhook_id(
    gql: GraphQLClient, database: Database, settings: Settings
) -> None:
    with Receiver(fail_first=2, fail_status=503) as receiver:
        endpoint_id, secret = await endpoint(gql, receiver.url, "CUSTOMER_CREATED")
        await factories.customer(gql)
        assert await dispatch(database, settings) == 1
        [first] = await deliveries(gql, endpoint_id)
        assert (first["status"], first["attempts"], first["lastStatusCode"]) == (
            "PENDING",
            1,
            503,
        )
        assert await dispatch(database, settings) == 0  # not due yet: about 5 s from now
        await time_passes(database, timedelta(seconds=7))
        # A worker restart: the next attempt is made by a new dispatcher, from the outbox.
        assert await dispatch(database, settings) == 1
        [second] = await deliveries(gql, endpoint_id)
        assert second["attempts"] == 2
        assert second["status"] == "PENDING"
        await time_passes(database, timedelta(seconds=75))
        assert await dispatch(database, settings) == 1
        [third] = await deliveries(gql, endpoint_id)
        assert third["status"] == "DELIVERED"
        assert third["attempts"] == 3
        # Redelivery: sent again, same webhook-id, so the receiver can drop the repeat.
        redelivered = await gql(REDELIVER, id=third["id"])
        assert redelivered["redeliverWebhook"]["delivery"]["status"] == "PENDING"
        assert await dispatch(database, settings) == 1
    ids = [request.headers["webhook-id"] for request in receiver.received]
    assert len(ids) == 4
    assert len(set(ids)) == 1
    assert ids[0] == third["webhookId"]
    assert [r.status for r in receiver.received] == [503, 503, 204, 204]
    for request in receiver.received:
        verify(secret, request.headers, request.body)
    processed = {verify(secret, r.headers, r.body)["timestamp"] for r in receiver.received}
    assert len(processed) == 1  # one event, whatever the attempts


async def test_a_worker_that_dies_mid_delivery_lets_its_lease_lapse(
    gql: GraphQLClient, database: Database, settings: Settings
) -> None:
    with Receiver() as receiver:
        endpoint_id, _ = await endpoint(gql, receiver.url, "CUSTOMER_CREATED")
        await factories.customer(gql)
        repository = WebhookDeliveryRepository(database.db)
        claimed = await repository.claim(now(), timedelta(seconds=60), 10)
        assert len(claimed) == 1  # ... and the worker died before sending
        assert await dispatch(database, settings) == 0  # leased: nobody else takes it
        await time_passes(database, timedelta(seconds=61))
        assert await dispatch(database, settings) == 1
    [delivered] = await deliveries(gql, endpoint_id)
    assert delivered["status"] == "DELIVERED"
    assert len(receiver.received) == 1


async def test_given_up_after_three_days_and_the_endpoint_disabled_after_five(
    gql: GraphQLClient, database: Database, settings: Settings
) -> None:
    with Receiver(fail_first=100) as receiver:
        endpoint_id, _ = await endpoint(gql, receiver.url, "CUSTOMER_CREATED")
        await factories.customer(gql, "Old Event")
        await time_passes(database, timedelta(days=3))
        assert await dispatch(database, settings) == 1
        [old] = await deliveries(gql, endpoint_id)
        assert old["status"] == "FAILED"
        assert old["lastStatusCode"] == 500
        # Failing since 5 days: the next failure disables the endpoint.
        await database.db["webhook_endpoints"].update_many(
            {}, {"$set": {"failingSince": now() - timedelta(days=5, minutes=1)}}
        )
        await factories.customer(gql, "New Event")
        assert await dispatch(database, settings) == 1
        state = await gql(UPDATE, id=endpoint_id, input={"active": False})
        assert state["updateWebhookEndpoint"]["endpoint"]["active"] is False
        endpoint_doc = await database.db["webhook_endpoints"].find_one({})
        assert endpoint_doc is not None
        assert endpoint_doc["disabledAt"] is not None
        # Events while disabled are not queued; an update enables it again.
        await factories.customer(gql, "Quiet Time")
        again = (await gql(UPDATE, id=endpoint_id, input={}))["updateWebhookEndpoint"]
        assert again["endpoint"]["active"] is True
        assert again["endpoint"]["failingSince"] is None
    listed = await deliveries(gql, endpoint_id)
    assert len(listed) == 2  # nothing for "Quiet Time"
    assert len(receiver.received) == 2


async def test_redirects_are_not_followed(
    gql: GraphQLClient, database: Database, settings: Settings
) -> None:
    with Receiver() as target, Receiver(redirect_to="") as bouncer:
        bouncer.redirect_to = target.url
        endpoint_id, _ = await endpoint(gql, bouncer.url, "CUSTOMER_CREATED")
        await factories.customer(gql)
        await dispatch(database, settings)
    [delivery] = await deliveries(gql, endpoint_id)
    assert delivery["status"] == "PENDING"
    assert delivery["lastStatusCode"] == 307
    assert delivery["lastError"] == "redirects are not followed"
    assert len(bouncer.received) == 1
    assert target.received == []


async def test_an_erasure_can_scrub_payloads_not_yet_delivered(
    gql: GraphQLClient, database: Database
) -> None:
    with Receiver() as receiver:
        endpoint_id, _ = await endpoint(gql, receiver.url, "CUSTOMER_CREATED")
        kept = await factories.customer(gql, "Kept Person")
        await factories.customer(gql, "Gone Person")
    repository = WebhookDeliveryRepository(database.db)
    gone_doc = await database.db["customers"].find_one({"email": "gone@example.com"})
    assert gone_doc is not None
    replacement = json.dumps({"type": "CUSTOMER_CREATED", "data": {"erased": True}})
    assert await repository.scrub_customer(gone_doc["_id"], replacement) == 1
    bodies = [d["payload"] for d in await deliveries(gql, endpoint_id)]
    assert {"type": "CUSTOMER_CREATED", "data": {"erased": True}} in bodies
    assert not any("Gone Person" in json.dumps(body) for body in bodies)
    assert any(kept["id"] in json.dumps(body) for body in bodies)
