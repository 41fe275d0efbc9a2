"""Managing endpoints: server-side request forgery refused at creation and at delivery, only
administrators, secrets shown once and rotated with an overlap, job and SLA events."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app.auth.roles import Role
from app.core.db import Database
from app.core.settings import Settings
from app.webhooks import urls
from app.workflow.sweep import WorkflowSweep
from tests import factories
from tests.conftest import GraphQLClient, run_jobs
from tests.webhooks.flows import CREATE, deliveries, dispatch, endpoint, now, time_passes
from tests.webhooks.receiver import Receiver, verify

LIST = "{ webhookEndpoints { id url events active } }"
ROTATE = """mutation($id: ID!) { rotateWebhookSecret(id: $id) {
  endpoint { id } secret userErrors { code } } }"""
DELETE = """mutation($id: ID!) { deleteWebhookEndpoint(id: $id) {
  endpoint { id } userErrors { code } } }"""


def public_dns(monkeypatch: pytest.MonkeyPatch, answers: dict[str, list[str]]) -> None:
    async def resolve(host: str, port: int) -> list[str]:
        if host not in answers:
            raise OSError("no such host")
        return answers[host]

    monkeypatch.setattr(urls, "resolve", resolve)


async def refusal(gql: GraphQLClient, url: str) -> dict[str, Any]:
    data = await gql(CREATE, input={"url": url, "events": ["CUSTOMER_CREATED"]})
    payload: dict[str, Any] = data["createWebhookEndpoint"]
    assert payload["endpoint"] is None
    assert payload["secret"] is None
    [error] = payload["userErrors"]
    return dict(error)


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("not a url", "absolute https"),
        ("ftp://files.example.com/in", "absolute https"),
        ("https://user:pw@hooks.example.com/", "user name"),
        ("https://hooks.example.com:99999/", "malformed"),
        ("https://10.0.0.5/hook", "private"),
        ("https://192.168.1.20/hook", "private"),
        ("https://169.254.169.254/latest/meta-data", "link-local"),
        ("https://[::ffff:10.0.0.1]/hook", "private"),
        ("https://[fe80::1]/hook", "link-local"),
        ("https://224.0.0.1/hook", "multicast"),
        ("https://internal.example.com/hook", "private"),
        ("https://nowhere.example.com/hook", "does not resolve"),
        ("http://hooks.example.com/hook", "loopback"),
    ],
)
async def test_urls_that_could_reach_inside_are_refused_and_nothing_is_written(
    gql: GraphQLClient, monkeypatch: pytest.MonkeyPatch, url: str, says: str
) -> None:
    public_dns(
        monkeypatch,
        {
            "internal.example.com": ["93.184.216.34", "10.1.2.3"],
            "hooks.example.com": ["93.184.216.34"],
        },
    )
    error = await refusal(gql, url)
    assert error["field"] == "url"
    assert error["code"] == "INVALID"
    assert says in error["message"]
    assert (await gql(LIST))["webhookEndpoints"] == []


async def test_production_takes_https_to_public_addresses_only(
    as_role: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    public_dns(monkeypatch, {"hooks.example.com": ["93.184.216.34"], "localhost": ["127.0.0.1"]})
    admin = await as_role(Role.ADMIN)
    assert "https" in (await refusal(admin, "http://127.0.0.1:9000/hook"))["message"]
    assert "loopback" in (await refusal(admin, "https://127.0.0.1/hook"))["message"]
    assert "loopback" in (await refusal(admin, "https://localhost/hook"))["message"]
    endpoint_id, secret = await endpoint(admin, "https://hooks.example.com/in", "ORDER_CREATED")
    assert secret.startswith("whsec_")
    assert (await admin(LIST))["webhookEndpoints"][0]["id"] == endpoint_id


async def test_only_administrators_manage_webhooks(as_role: Any) -> None:
    for role in (Role.MANAGER, Role.AGENT, Role.ANALYST):
        client = await as_role(role)
        for operation, variables in (
            (LIST, {}),
            (CREATE, {"input": {"url": "https://a.example.com", "events": ["JOB_FINISHED"]}}),
        ):
            [error] = await client.errors(operation, **variables)
            assert error["extensions"]["code"] == "FORBIDDEN"


async def test_a_url_whose_dns_turns_private_is_not_delivered_to(
    gql: GraphQLClient, database: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    public_dns(monkeypatch, {"hooks.example.com": ["93.184.216.34"]})
    endpoint_id, _ = await endpoint(gql, "https://hooks.example.com/in", "CUSTOMER_CREATED")
    await gql("""mutation { createCustomer(input: {name: "Ada", email: "ada@example.com"}) {
      userErrors { code } } }""")
    public_dns(monkeypatch, {"hooks.example.com": ["10.0.0.7"]})  # DNS rebinding
    assert await dispatch(database, settings) == 1
    [delivery] = await deliveries(gql, endpoint_id)
    assert delivery["status"] == "PENDING"
    assert delivery["lastStatusCode"] is None
    assert "private" in delivery["lastError"]


async def test_the_secret_is_shown_once_and_a_rotation_signs_with_both_for_a_day(
    gql: GraphQLClient, database: Database, settings: Settings
) -> None:
    with Receiver() as receiver:
        endpoint_id, old = await endpoint(gql, receiver.url, "JOB_FINISHED")
        rotated = (await gql(ROTATE, id=endpoint_id))["rotateWebhookSecret"]
        new = rotated["secret"]
        assert new.startswith("whsec_")
        assert new != old
        audit = await database.db["audit_log"].find({}).to_list()
        assert old not in str(audit)
        assert new not in str(audit)
        # A job finishes: JOB_FINISHED, signed with the new secret and the old one.
        await gql("mutation { startSegmentation(input: {}) { job { id } } }")
        await run_jobs(database, settings)
        assert await dispatch(database, settings) == 1
        [request] = receiver.received
        assert verify(new, request.headers, request.body)["type"] == "JOB_FINISHED"
        assert verify(old, request.headers, request.body)["data"]["object"]["status"] in (
            "SUCCEEDED",
            "FAILED",
        )
        assert len(request.headers["webhook-signature"].split(" ")) == 2
        await database.db["webhook_endpoints"].update_many(
            {}, {"$set": {"previousUntil": now() - timedelta(seconds=1)}}
        )
        await gql("mutation { startSegmentation(input: {}) { job { id } } }")
        await run_jobs(database, settings)
        await dispatch(database, settings)
        assert len(receiver.received[-1].headers["webhook-signature"].split(" ")) == 1
    deleted = (await gql(DELETE, id=endpoint_id))["deleteWebhookEndpoint"]
    assert deleted["userErrors"] == []
    again = (await gql(DELETE, id=endpoint_id))["deleteWebhookEndpoint"]
    assert again["userErrors"] == [{"code": "NOT_FOUND"}]


async def test_pending_deliveries_of_a_deleted_endpoint_fail(
    gql: GraphQLClient, database: Database, settings: Settings
) -> None:
    with Receiver(fail_first=1) as receiver:
        endpoint_id, _ = await endpoint(gql, receiver.url, "CUSTOMER_CREATED")
        await gql("""mutation { createCustomer(input: {name: "Bo", email: "bo@example.com"}) {
          userErrors { code } } }""")
        await dispatch(database, settings)
        await gql(DELETE, id=endpoint_id)
        await time_passes(database, timedelta(minutes=1))
        await dispatch(database, settings)
    doc = await database.db["webhook_deliveries"].find_one({})
    assert doc is not None
    assert doc["status"] == "FAILED"
    assert doc["lastError"] == "endpoint deleted"
    assert len(receiver.received) == 1


async def test_the_sweep_announces_each_sla_breach_once(
    gql: GraphQLClient, database: Database, settings: Settings
) -> None:
    created = await gql(
        """mutation { createSlaPolicy(input: {name: "Fast", targets: [{priority: NORMAL,
        firstReplyMinutes: 60}]}) { userErrors { code } } }"""
    )
    assert created["createSlaPolicy"]["userErrors"] == []
    with Receiver() as receiver:
        _, secret = await endpoint(gql, receiver.url, "TICKET_SLA_BREACHED")
        customer = await factories.customer(gql)
        ticket = await factories.ticket(gql, customer["id"])
        sweep = WorkflowSweep(database.db, 60)
        assert (await sweep.run_once()).breaches == 0
        later = datetime.now(UTC) + timedelta(minutes=61)
        assert (await sweep.run_once(later)).breaches == 1
        assert (await sweep.run_once(later)).breaches == 0
        assert await dispatch(database, settings) == 1
    [request] = receiver.received
    payload = verify(secret, request.headers, request.body)
    assert payload["type"] == "TICKET_SLA_BREACHED"
    assert payload["data"]["object"]["id"] == ticket["id"]
    assert payload["data"]["breach"]["metric"] == "FIRST_REPLY"


async def test_a_name_that_takes_too_long_to_resolve_is_refused(
    gql: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def hangs(host: str, port: int) -> list[str]:
        await asyncio.sleep(60)
        return ["93.184.216.34"]

    monkeypatch.setattr(urls, "resolve", hangs)
    monkeypatch.setattr(urls, "RESOLVE_SECONDS", 0.2)
    error = await refusal(gql, "https://slow.example.com/hook")
    assert error["code"] == "INVALID"
    assert "does not resolve" in error["message"]
