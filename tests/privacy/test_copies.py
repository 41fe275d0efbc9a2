"""Copies made for others: webhook payloads about an erased customer are scrubbed (those
already delivered are listed for their receivers), and backup archives are listed."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.core.db import Database
from app.core.settings import Settings
from tests import factories
from tests.conftest import GraphQLClient
from tests.privacy.test_erase import ERASE
from tests.webhooks.flows import dispatch, endpoint
from tests.webhooks.receiver import Receiver

UPDATE = """mutation($id: ID!, $input: UpdateCustomerInput!) {
  updateCustomer(id: $id, input: $input) { userErrors { code } } }"""


async def test_webhook_payloads_and_backups_of_an_erased_customer(
    gql: GraphQLClient,
    database: Database,
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CRM_BACKUP_DIR", str(tmp_path))
    (tmp_path / "crm-20261201T000000000000Z.tar.gz").write_bytes(b"an old archive")
    later = datetime.now(UTC) + timedelta(hours=1)
    await database.db["exports.files"].insert_many(
        [{"filename": "customers.csv", "metadata": {"expiresAt": later}},
         {"filename": "old.csv", "metadata": {"expiresAt": later - timedelta(days=1)}}]
    )  # fmt: skip
    with Receiver() as receiver:
        await endpoint(gql, receiver.url, "CUSTOMER_CREATED", "CUSTOMER_UPDATED")
        zelda = await factories.customer(gql, "Zelda Quixote", email="zq@example.com")
        await gql(UPDATE, id=zelda["id"], input={"phone": "+44 20 7946 0958"})
        assert await dispatch(database, settings) == 2
        await gql(UPDATE, id=zelda["id"], input={"name": "Zelda Q. Quixote"})  # pending
        erased = (await gql(ERASE, id=zelda["id"], reason="GDPR request"))["eraseCustomer"]
    assert erased["userErrors"] == []
    bodies = await database.db["webhook_deliveries"].find({}).sort("_id", 1).to_list()
    assert len(bodies) == 4  # the last: the erasure itself, announcing the tombstone
    for delivery in bodies:
        text = delivery["body"]
        assert "Zelda" not in text
        assert "zq@example.com" not in text
        assert "7946" not in text
    assert json.loads(bodies[-1]["body"])["type"] == "CUSTOMER_UPDATED"
    announced = json.loads(bodies[-1]["body"])["data"]
    assert announced["object"]["erased"] is True
    assert "changes" not in announced
    assert [json.loads(d["body"])["data"] for d in bodies[:3]] == [{"erased": True}] * 3
    expiry = {item["place"]: item for item in erased["erasure"]["needsExpiry"]}
    assert expiry["webhook receivers"]["count"] == 2
    assert expiry["backups"]["count"] == 1
    assert expiry["exports"]["count"] == 1  # the expired one is not listed
    changes = {item["place"]: item["count"] for item in erased["erasure"]["changes"]}
    assert changes["webhook_deliveries"] == 3
