"""Exports of orders (a row per line), tickets, segment assignments and tagged feedback: orders
and tickets round-trip through importData; the others carry what the API shows."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from bson import ObjectId

from app.auth.roles import Role
from app.core.db import Database
from app.graphql.relay import encode_id
from app.segmentation.models import TYPE_NAME as SEGMENTATION_RUN
from tests.conftest import GraphQLClient, as_customer
from tests.exports.test_exports import START, customers_csv, download, export
from tests.imports.test_graphql import run_import
from tests.segmentation.synthetic import build_history
from tests.segmentation.test_graphql import segment_once
from tests.tagging.conftest import tag_pending
from tests.workflow.test_satisfaction import RATE, resolved


def products_csv() -> bytes:
    lines = ["sku,name,price,currency"] + [f"SKU-{n},Item {n},{n}.25,USD" for n in range(1, 6)]
    return ("\n".join(lines) + "\n").encode()


def orders_csv(count: int) -> bytes:
    """``count`` orders of 1 to 3 lines, some at a price other than the catalogue's."""
    lines = ["number,customerEmail,sku,quantity,unitPrice,currency,status,placedAt"]
    for n in range(count):
        status = ("DELIVERED", "PAID", "CANCELLED")[n % 3]
        for line in range(1 + n % 3):
            price = f"{line + 1}.10" if n % 4 == 0 else ""
            lines.append(
                f"SO-{n:05d},c{n % 50}@example.com,SKU-{1 + (n + line) % 5},{1 + line},{price},"
                f"USD,{status},2025-03-{1 + n % 28:02d}T10:00:00Z"
            )
    return ("\n".join(lines) + "\n").encode()


async def orders_as_stored(database: Database) -> list[Any]:
    docs = await database.db["orders"].find({}).to_list(None)
    return sorted(
        (
            d["number"],
            d["customerId"],
            d["status"],
            d["placedAt"],
            d["currency"],
            tuple((i["sku"], i["quantity"], i["unitPrice"]) for i in d["items"]),
        )
        for d in docs
    )


async def seed_orders(gql: GraphQLClient, count: int) -> None:
    assert (await run_import(gql, "CUSTOMERS", customers_csv(50)))["status"] == "SUCCEEDED"
    assert (await run_import(gql, "PRODUCTS", products_csv()))["status"] == "SUCCEEDED"
    job = await run_import(gql, "ORDERS", orders_csv(count))
    assert job["result"]["imported"] == count, job


def table(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode())))


async def test_orders_round_trip_one_row_per_line(gql: GraphQLClient) -> None:
    count = 1_100  # more than one batch of the job
    await seed_orders(gql, count)
    before = await orders_as_stored(gql.database)
    lines = sum(len(order[5]) for order in before)
    for file_format in ("CSV", "JSONL"):
        result = await export(gql, entity="ORDERS", format=file_format)
        assert result["rows"] == lines
        body = (await download(gql, result["url"])).content
        await gql.database.db["orders"].delete_many({})
        job = await run_import(gql, "ORDERS", body, file_format)
        assert job["result"]["imported"] == count, job
        assert await orders_as_stored(gql.database) == before
    paid = await export(gql, entity="ORDERS", format="CSV", filter={"orders": {"status": ["PAID"]}})
    rows = table((await download(gql, paid["url"])).content)
    assert {row["status"] for row in rows} == {"PAID"}
    assert len({row["number"] for row in rows}) == len([o for o in before if o[2] == "PAID"])
    assert rows[0]["productName"].startswith("Item ")


async def test_tickets_round_trip_with_their_orders(gql: GraphQLClient) -> None:
    await seed_orders(gql, 10)
    lines = ["number,customerEmail,orderNumber,type,channel,subject,body,status,priority,createdAt"]
    for n in range(30):
        order = f"SO-{n:05d}" if n < 10 else ""
        lines.append(
            f"T-{n},c{n % 10 if n < 10 else n}@example.com,{order},"
            f'{("CONSULTATION", "COMPLAINT")[n % 2]},EMAIL,Subject {n},"Body, {n}\nsecond line",'
            f"{('NEW', 'RESOLVED')[n % 2]},{('LOW', 'HIGH')[n % 2]},2025-04-0{1 + n % 9}T08:00:00Z"
        )
    job = await run_import(gql, "TICKETS", ("\n".join(lines) + "\n").encode())
    assert job["result"]["imported"] == 30, job["result"]["failures"][:2]
    fields = ("number", "customerId", "orderId", "type", "channel", "subject", "body", "status")
    fields += ("priority", "createdAt")

    async def stored() -> list[tuple[str, ...]]:
        docs = await gql.database.db["tickets"].find({}).to_list(None)
        return sorted(tuple(str(d.get(f)) for f in fields) for d in docs)

    before = await stored()
    result = await export(gql, entity="TICKETS", format="CSV")
    assert result["rows"] == 30
    body = (await download(gql, result["url"])).content
    assert table(body)[0]["orderNumber"] == "SO-00000"
    await gql.database.db["tickets"].delete_many({})
    assert (await run_import(gql, "TICKETS", body))["result"]["imported"] == 30
    assert await stored() == before


async def test_segment_assignments_follow_the_latest_run_and_its_filter(
    gql: GraphQLClient,
) -> None:
    refused = await gql(START, input={"entity": "SEGMENT_ASSIGNMENTS", "format": "CSV"})
    assert refused["startExport"]["userErrors"] == [{"field": "filter", "code": "NOT_FOUND"}]
    await build_history(gql.database.db)
    run = await segment_once(gql)
    latest = await export(gql, entity="SEGMENT_ASSIGNMENTS", format="CSV")
    rows = table((await download(gql, latest["url"])).content)
    assert len(rows) == run["customerCount"]
    labels = {s["key"]: s["label"] for s in run["segments"]}
    sizes = {s["key"]: s["size"] for s in run["segments"]}
    assert {row["segmentKey"]: row["segmentLabel"] for row in rows} == labels
    for key, size in sizes.items():
        assert sum(row["segmentKey"] == key for row in rows) == size
    stored = await gql.database.db["segment_assignments"].find({}).to_list(None)
    emails = {c["_id"]: c["email"] for c in await gql.database.db["customers"].find({}).to_list()}
    assert sorted((row["customerEmail"], row["rfmScore"]) for row in rows) == sorted(
        (emails[a["customerId"]], (a["rfm"] or {}).get("score", "")) for a in stored
    )
    top = run["segments"][0]["key"]
    only = {"segmentAssignments": {"runId": run["id"], "keys": [top]}}
    narrowed = await export(gql, entity="SEGMENT_ASSIGNMENTS", format="JSONL", filter=only)
    assert narrowed["rows"] == sizes[top]
    unknown = {"segmentAssignments": {"runId": encode_id(SEGMENTATION_RUN, ObjectId())}}
    missing = await gql(START, input={"entity": "SEGMENT_ASSIGNMENTS", "format": "CSV",
                                      "filter": unknown})  # fmt: skip
    assert missing["startExport"]["userErrors"] == [
        {"field": "filter.segmentAssignments.runId", "code": "NOT_FOUND"}
    ]


async def test_tagged_feedback_holds_ticket_texts_and_survey_comments(gql: GraphQLClient) -> None:
    ticket, customer_id = await resolved(
        gql, subject="Parcel", body="The courier was rude and the parcel came three days late."
    )
    comment = "Terrible, the delivery was late and the parcel arrived broken."
    rated = await as_customer(gql, customer_id)(RATE, id=ticket["id"], rating=1, comment=comment)
    assert rated["rateTicket"]["userErrors"] == []
    await tag_pending(gql.database)
    result = await export(gql, entity="TAGGED_FEEDBACK", format="JSONL")
    rows = [json.loads(line) for line in (await download(gql, result["url"])).text.splitlines()]
    assert [row["source"] for row in rows] == ["TICKET", "SURVEY"]
    first, survey = rows
    assert first["ticketNumber"] == survey["ticketNumber"] == ticket["number"]
    assert "rude" in first["text"]
    assert first["sentiment"] == "NEGATIVE"
    assert first["language"] == "en"
    assert first["tags"]
    assert (survey["text"], survey["rating"], survey["sentiment"]) == (comment, 1, "NEGATIVE")
    assert "delivery-shipping" in survey["tags"]
    untagged = await export(
        gql, entity="TAGGED_FEEDBACK", format="CSV", filter={"taggedFeedback": {"language": ["zh"]}}
    )
    assert untagged["rows"] == 0


async def test_analysts_get_masked_order_emails_and_filters_must_match(
    gql: GraphQLClient, as_role: Any
) -> None:
    await seed_orders(gql, 3)
    analyst = await as_role(Role.ANALYST)
    result = await export(analyst, entity="ORDERS", format="CSV")
    rows = table((await download(analyst, result["url"])).content)
    assert {row["customerEmail"] for row in rows} == {"c***@example.com"}
    wrong = await gql(START, input={"entity": "ORDERS", "format": "CSV", "filter": {"tickets": {}}})
    assert wrong["startExport"]["userErrors"] == [{"field": "filter", "code": "INVALID"}]
