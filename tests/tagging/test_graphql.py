"""Feedback tagging through the API: automatic tagging, agent tags, backfill, the taxonomy."""

from __future__ import annotations

import time
from typing import Any

import httpx

from app.core.settings import Settings
from app.tagging.repository import ExampleRepository
from tests import factories
from tests.conftest import GraphQLClient, customer_says, run_job, serve
from tests.tagging.conftest import JOB, tag_pending

TICKET = """query($id: ID!) { ticket(id: $id) { language
    sentiment { label score confidence } tags { name confidence source } } }"""
ADD_MESSAGE = """mutation($id: ID!, $input: TicketMessageInput!) {
    addTicketMessage(ticketId: $id, input: $input) { userErrors { code } } }"""
SET_TAGS = """mutation($id: ID!, $tags: [String!]!) { setTicketTags(ticketId: $id, tags: $tags) {
    ticket { tags { name confidence source } } userErrors { field code message } } }"""
BACKFILL = """mutation($input: StartFeedbackTaggingInput) { startFeedbackTagging(input: $input) {
    job { id } userErrors { field code message } } }"""
CREATE_TAG = """mutation($input: CreateTagInput!) { createTag(input: $input) {
    tag { id name description archived keywords { language phrases } }
    userErrors { field code message } } }"""
UPDATE_TAG = """mutation($id: ID!, $input: UpdateTagInput!) { updateTag(id: $id, input: $input) {
    tag { name description keywords { language phrases } } userErrors { field code message } } }"""
ARCHIVE_TAG = """mutation($id: ID!) { archiveTag(id: $id) {
    tag { archived } userErrors { field code message } } }"""


async def ticket(gql: GraphQLClient, ticket_id: str) -> dict[str, Any]:
    data: dict[str, Any] = (await gql(TICKET, id=ticket_id))["ticket"]
    return data


def names(tags: list[dict[str, Any]]) -> set[str]:
    return {tag["name"] for tag in tags}


async def test_a_new_ticket_is_tagged_after_create_returns(gql: GraphQLClient) -> None:
    ada = await factories.customer(gql)
    created = await factories.ticket(
        gql,
        ada["id"],
        subject="Charged twice for my order",
        body="My credit card was charged twice. This is unacceptable, refund me now!",
    )
    before = await ticket(gql, created["id"])
    assert before == {"language": "und", "sentiment": None, "tags": []}  # create did not wait

    assert await tag_pending(gql.database) == 1
    after = await ticket(gql, created["id"])
    assert after["language"] == "en"
    assert after["sentiment"]["label"] == "NEGATIVE"
    assert -1 <= after["sentiment"]["score"] < 0 < after["sentiment"]["confidence"] <= 1
    assert {"billing-payment", "returns-refunds"} <= names(after["tags"])
    assert all(0 < tag["confidence"] <= 1 and tag["source"] == "RULE" for tag in after["tags"])
    assert await tag_pending(gql.database) == 0  # nothing left pending


async def test_a_customer_message_retags_the_ticket_and_a_staff_reply_does_not(
    gql: GraphQLClient,
) -> None:
    ada = await factories.customer(gql, "Ada Lovelace", email="ada@example.com")
    created = await factories.ticket(
        gql, ada["id"], subject="问一下", body="你好，想问一下订单什么时候发货"
    )
    await tag_pending(gql.database)
    first = await ticket(gql, created["id"])
    assert first["language"] == "zh"
    assert first["sentiment"]["label"] == "NEUTRAL"

    staff = {"body": "Sorry, we are terrible and slow, the app is broken"}
    await gql(ADD_MESSAGE, id=created["id"], input=staff)
    assert await tag_pending(gql.database) == 0  # staff words are not customer feedback

    angry = {"body": "已经十天了还没收到，太失望了，我要退款！"}
    await customer_says(gql, created["id"], angry)
    assert await tag_pending(gql.database) == 1
    second = await ticket(gql, created["id"])
    assert second["sentiment"]["label"] == "NEGATIVE"
    assert {"delivery-shipping", "returns-refunds"} <= names(second["tags"])


async def test_agent_tags_are_kept_by_automatic_tagging_and_become_examples(
    gql: GraphQLClient,
) -> None:
    ada = await factories.customer(gql, "Ada Lovelace", email="ada@example.com")
    created = await factories.ticket(
        gql, ada["id"], subject="Broken lamp", body="The lamp arrived broken."
    )
    await tag_pending(gql.database)
    data = await gql(SET_TAGS, id=created["id"], tags=["product-quality", " Delivery-Shipping "])
    payload = data["setTicketTags"]
    assert payload["userErrors"] == []
    assert payload["ticket"]["tags"] == [
        {"name": "product-quality", "confidence": 1.0, "source": "AGENT"},
        {"name": "delivery-shipping", "confidence": 1.0, "source": "AGENT"},
    ]
    examples = await ExampleRepository(gql.database.db).everything()
    assert [(e["text"], e["tags"]) for e in examples] == [
        ("Broken lamp\nThe lamp arrived broken.", ["product-quality", "delivery-shipping"])
    ]

    message = {"body": "Also my invoice is wrong. Awful!"}
    await customer_says(gql, created["id"], message)
    await tag_pending(gql.database)
    after = await ticket(gql, created["id"])
    assert after["sentiment"]["label"] == "NEGATIVE"  # sentiment follows the new message...
    assert after["tags"] == payload["ticket"]["tags"]  # ...the agent's tags stay

    # An empty list is an answer too ("no topic applies").
    data = await gql(SET_TAGS, id=created["id"], tags=[])
    assert data["setTicketTags"]["ticket"]["tags"] == []
    examples = await ExampleRepository(gql.database.db).everything()
    assert examples[0]["tags"] == []


async def test_free_form_tags_from_before_tagging_are_kept(gql: GraphQLClient) -> None:
    ada = await factories.customer(gql)
    created = await factories.ticket(gql, ada["id"], subject="Late", body="Parcel is late")
    # A ticket as stored before tags had a source: plain strings a person typed.
    tickets = gql.database.db["tickets"]
    await tickets.update_one(
        {"number": created["number"]},
        {"$set": {"tags": ["vip-customer"]}, "$unset": {"tagPending": "", "taggedAt": ""}},
    )
    result = await run_job(gql, JOB, BACKFILL)
    assert result["tagged"] == 1
    after = await ticket(gql, created["id"])
    assert after["tags"] == [{"name": "vip-customer", "confidence": 1.0, "source": "AGENT"}]
    assert after["sentiment"]["label"] == "NEGATIVE"


async def test_set_ticket_tags_refuses_unknown_and_archived_tags(gql: GraphQLClient) -> None:
    ada = await factories.customer(gql)
    created = await factories.ticket(gql, ada["id"])
    tags = (await gql("{ tags { id name } }"))["tags"]
    praise = next(tag for tag in tags if tag["name"] == "praise")
    await gql(ARCHIVE_TAG, id=praise["id"])
    data = await gql(SET_TAGS, id=created["id"], tags=["pricing", "no-such-tag", "praise"])
    errors = {(e["field"], e["code"]) for e in data["setTicketTags"]["userErrors"]}
    assert errors == {("tags.1", "NOT_FOUND"), ("tags.2", "INVALID")}
    assert data["setTicketTags"]["ticket"] is None
    assert (await ticket(gql, created["id"]))["tags"] == []  # nothing partial
    assert await ExampleRepository(gql.database.db).everything() == []

    data = await gql(SET_TAGS, id="VGlja2V0OjY1YTAwMDAwMDAwMDAwMDAwMDAwMDAwMA", tags=["pricing"])
    assert data["setTicketTags"]["userErrors"][0]["code"] == "NOT_FOUND"


async def test_backfill_tags_untagged_tickets_and_retags_only_on_request(
    gql: GraphQLClient,
) -> None:
    ada = await factories.customer(gql)
    first = await factories.ticket(gql, ada["id"], subject="Login", body="I cannot log in")
    second = await factories.ticket(gql, ada["id"], subject="Thanks", body="Great service!")
    third = await factories.ticket(gql, ada["id"], subject="Price", body="Too expensive")
    # The automatic tagger has not run (no worker): the backfill tags all three.
    result = await run_job(gql, JOB, BACKFILL)
    assert result == {"matched": 3, "tagged": 3, "agentTagsKept": 0}
    assert names((await ticket(gql, first["id"]))["tags"]) == {"account-login"}
    assert (await ticket(gql, second["id"]))["sentiment"]["label"] == "POSITIVE"
    assert await tag_pending(gql.database) == 0  # the backfill cleared the pending flags

    # Without retag, tagged tickets are left alone.
    result = await run_job(gql, JOB, BACKFILL, input={"retag": False})
    assert result == {"matched": 0, "tagged": 0, "agentTagsKept": 0}

    await gql(SET_TAGS, id=third["id"], tags=["praise"])
    filter_ = {"filter": {"customerId": ada["id"]}, "retag": True}
    result = await run_job(gql, JOB, BACKFILL, input=filter_)
    assert result == {"matched": 3, "tagged": 3, "agentTagsKept": 1}
    third_after = await ticket(gql, third["id"])
    assert third_after["tags"] == [{"name": "praise", "confidence": 1.0, "source": "AGENT"}]
    assert third_after["sentiment"]["label"] == "NEGATIVE"

    errors = await gql.errors(BACKFILL, input={"filter": {"customerId": "nope"}})
    assert errors[0]["extensions"]["code"] == "INVALID_ID"


async def test_taxonomy_create_update_archive(gql: GraphQLClient) -> None:
    tags = (await gql("{ tags { name keywords { language phrases } } }"))["tags"]
    assert len(tags) == 11
    assert {"billing-payment", "praise", "order-change"} <= {tag["name"] for tag in tags}
    assert all({k["language"] for k in tag["keywords"]} == {"en", "zh"} for tag in tags)

    keywords = [
        {"language": "en", "phrases": ["gift wrap", "gift wrapping", " "]},
        {"language": "zh", "phrases": ["礼品包装"]},
    ]
    data = await gql(
        CREATE_TAG, input={"name": "Gift-Wrapping", "description": "Wrapping", "keywords": keywords}
    )
    created = factories.ok(data["createTag"], "tag")
    assert created["name"] == "gift-wrapping"
    assert created["keywords"] == [
        {"language": "en", "phrases": ["gift wrap", "gift wrapping"]},
        {"language": "zh", "phrases": ["礼品包装"]},
    ]

    # The keyword rules apply the new tag at once.
    ada = await factories.customer(gql)
    wrapped = await factories.ticket(gql, ada["id"], subject="Gift", body="Can you gift wrap it?")
    await tag_pending(gql.database)
    tags_now = (await ticket(gql, wrapped["id"]))["tags"]
    assert {"name": "gift-wrapping", "confidence": 0.62, "source": "RULE"} in tags_now

    data = await gql(CREATE_TAG, input={"name": "gift-wrapping"})
    assert data["createTag"]["userErrors"][0]["code"] == "DUPLICATE"
    data = await gql(
        CREATE_TAG,
        input={"name": "Bad Name!", "keywords": [{"language": "fr", "phrases": ["x"]}]},
    )
    errors = {(e["field"], e["code"]) for e in data["createTag"]["userErrors"]}
    assert errors == {("name", "INVALID"), ("keywords", "INVALID")}

    data = await gql(
        UPDATE_TAG,
        id=created["id"],
        input={"description": "Gift wrap and messages", "keywords": keywords[1:]},
    )
    updated = factories.ok(data["updateTag"], "tag")
    assert updated["description"] == "Gift wrap and messages"
    assert updated["keywords"] == [{"language": "zh", "phrases": ["礼品包装"]}]
    data = await gql(UPDATE_TAG, id=created["id"], input={"name": "praise"})
    assert data["updateTag"]["userErrors"][0]["code"] == "DUPLICATE"

    data = await gql(ARCHIVE_TAG, id=created["id"])
    assert data["archiveTag"]["tag"]["archived"] is True
    assert "gift-wrapping" not in {t["name"] for t in (await gql("{ tags { name } }"))["tags"]}
    archived = (await gql("{ tags(includeArchived: true) { name archived } }"))["tags"]
    assert {"name": "gift-wrapping", "archived": True} in archived
    again = await factories.ticket(gql, ada["id"], subject="Wrap", body="礼品包装 please")
    await tag_pending(gql.database)
    assert "gift-wrapping" not in names((await ticket(gql, again["id"]))["tags"])


FIRST_TRAINING = """{ jobs(filter: {kind: [TAGGER_TRAINING]}) { edges { node { status } } } }"""


def test_tags_appear_within_seconds_on_a_running_server(mongo_url: str, settings: Settings) -> None:
    live = Settings(mongodb_url=mongo_url, database=settings.database, job_poll_seconds=0.2)
    with serve(live) as url, httpx.Client(base_url=url, timeout=10) as client:

        def call(query: str, **variables: Any) -> dict[str, Any]:
            response = client.post("/graphql", json={"query": query, "variables": variables})
            body: dict[str, Any] = response.json()
            assert "errors" not in body, body
            data: dict[str, Any] = body["data"]
            return data

        # A store that never trained a tagger starts with its first training (on the shipped
        # examples); tickets created meanwhile are tagged when the CPU thread is free.
        started = time.monotonic()
        while True:
            jobs = call(FIRST_TRAINING)["jobs"]["edges"]
            if jobs and jobs[0]["node"]["status"] == "SUCCEEDED":
                break
            assert len(jobs) == 1, jobs
            assert jobs[0]["node"]["status"] in ("QUEUED", "RUNNING"), jobs
            assert time.monotonic() - started < 120, "the first training did not end"
            time.sleep(0.2)
        customer = call(factories.CREATE_CUSTOMER, input={"name": "Ada", "email": "a@example.com"})
        ticket_input = {
            "customerId": customer["createCustomer"]["customer"]["id"],
            "type": "COMPLAINT",
            "channel": "EMAIL",
            "subject": "快递太慢",
            "body": "包裹一个星期了还没收到，太失望了",
        }
        created = call(factories.CREATE_TICKET, input=ticket_input)["createTicket"]["ticket"]
        started = time.monotonic()
        while True:
            found = call(TICKET, id=created["id"])["ticket"]
            if found["tags"]:
                break
            assert time.monotonic() - started < 10, "no tags after 10 s"
            time.sleep(0.1)
        assert "delivery-shipping" in names(found["tags"])
        assert {tag["source"] for tag in found["tags"]} == {"MODEL"}  # the first version's
        assert found["language"] == "zh"
        assert found["sentiment"]["label"] == "NEGATIVE"
