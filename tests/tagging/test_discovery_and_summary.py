"""startTopicDiscovery and feedbackSummary."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bson import ObjectId

from app.tickets.models import Channel, TicketDraft, TicketType
from app.tickets.service import TicketService
from tests import factories
from tests.conftest import GraphQLClient, run_job
from tests.tagging.conftest import JOB, tag_pending

DISCOVER = """mutation($input: StartTopicDiscoveryInput) { startTopicDiscovery(input: $input) {
    job { id } userErrors { field code message } } }"""
SUMMARY = """query($filter: TicketFilter, $interval: SummaryInterval!) {
  feedbackSummary(filter: $filter, interval: $interval) {
    interval start end
    periods { start end tickets averageSentiment
      sentiment { negative neutral positive untagged }
      tags { tag tickets negative averageSentiment } }
    tags { tag tickets negative } } }"""

GIFT_EN = [
    "Can you gift wrap the scarf and add a card with a personal message?",
    "Is gift wrapping available? It is a birthday present for my wife",
    "Please gift wrap it with a ribbon and a message card",
    "Do you offer gift wrapping and a handwritten card for presents?",
]
GIFT_ZH = [
    "可以帮忙礼品包装吗？送朋友的生日礼物",
    "请问有礼品包装和贺卡吗",
    "想要礼品包装，再写一张贺卡",
    "这个礼物需要礼品包装和贺卡",
]
FITTING = ["My credit card was charged twice", "The app crashes when I log in", "快递还没到"]


async def test_topic_discovery_suggests_the_topic_no_tag_covers(gql: GraphQLClient) -> None:
    ada = await factories.customer(gql)
    for text in GIFT_EN + GIFT_ZH + FITTING:
        await factories.ticket(gql, ada["id"], subject=text[:20], body=text)
    await tag_pending(gql.database)

    result = await run_job(gql, JOB, DISCOVER)
    assert result["ticketsConsidered"] == len(GIFT_EN) + len(GIFT_ZH)  # the fitting ones: no
    suggestions = result["suggestions"]
    english = next(s for s in suggestions if "gift" in terms(s, "en"))
    assert {t["subject"] for t in english["exampleTickets"]} <= {t[:20].strip() for t in GIFT_EN}
    assert english["suggestedName"].startswith(("gift", "wrap", "card"))
    chinese = next(s for s in suggestions if {"礼品", "包装"} & set(terms(s, "zh")))
    assert {t["subject"] for t in chinese["exampleTickets"]} <= {t[:20].strip() for t in GIFT_ZH}
    assert all(s["size"] >= 3 for s in suggestions)

    later = (datetime.now(UTC) + timedelta(minutes=1)).isoformat()
    result = await run_job(gql, JOB, DISCOVER, input={"since": later})
    assert result == {"ticketsConsidered": 0, "suggestions": []}
    future = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    data = await gql(DISCOVER, input={"since": future})
    assert data["startTopicDiscovery"]["userErrors"][0]["code"] == "OUT_OF_RANGE"


def terms(suggestion: dict[str, Any], language: str) -> list[str]:
    found: list[str] = next(
        (t["terms"] for t in suggestion["terms"] if t["language"] == language), []
    )
    return found


async def ticket_at(gql: GraphQLClient, customer: str, text: str, at: datetime) -> ObjectId:
    draft = TicketDraft(
        ObjectId(customer), TicketType.FEEDBACK, Channel.EMAIL, text, text, created_at=at
    )
    ticket = await TicketService(gql.database.db).create(draft)
    ticket_id: ObjectId = ticket["_id"]
    return ticket_id


async def test_feedback_summary_by_period_tag_and_sentiment(gql: GraphQLClient) -> None:
    await factories.customer(gql)
    customer = str((await gql.database.db["customers"].find_one({}))["_id"])
    day = datetime(2026, 3, 2, 9, tzinfo=UTC)  # a Monday
    await ticket_at(gql, customer, "Charged twice, terrible, refund me", day)
    await ticket_at(gql, customer, "Great service, thank you so much!", day + timedelta(hours=3))
    await ticket_at(gql, customer, "When does my parcel ship?", day + timedelta(days=2))
    untagged = await ticket_at(gql, customer, "Untagged yet", day + timedelta(days=2, hours=1))
    await tag_pending(gql.database)
    # One ticket not tagged yet, as right after its creation.
    await gql.database.db["tickets"].update_one(
        {"_id": untagged}, {"$set": {"sentiment": None, "tags": []}}
    )

    window = {"createdAt": {"gte": "2026-03-02T00:00:00Z", "lt": "2026-03-05T00:00:00Z"}}
    data = (await gql(SUMMARY, filter=window, interval="DAY"))["feedbackSummary"]
    assert [p["tickets"] for p in data["periods"]] == [2, 0, 2]  # the empty day is there
    first, empty, third = data["periods"]
    assert first["start"] == "2026-03-02T00:00:00+00:00"
    assert first["end"] == empty["start"] == "2026-03-03T00:00:00+00:00"
    assert first["sentiment"] == {"negative": 1, "neutral": 0, "positive": 1, "untagged": 0}
    assert -1 < first["averageSentiment"] < 1
    billing = next(t for t in first["tags"] if t["tag"] == "billing-payment")
    assert billing["tickets"] == billing["negative"] == 1
    assert billing["averageSentiment"] < 0
    assert "praise" in {t["tag"] for t in first["tags"]}
    assert empty["averageSentiment"] is None
    assert empty["tags"] == []
    assert third["sentiment"] == {"negative": 0, "neutral": 1, "positive": 0, "untagged": 1}
    assert {t["tag"] for t in third["tags"]} == {"delivery-shipping"}
    totals = {t["tag"]: t["tickets"] for t in data["tags"]}
    assert totals["billing-payment"] == totals["praise"] == totals["delivery-shipping"] == 1

    weekly = (await gql(SUMMARY, filter=window, interval="WEEK"))["feedbackSummary"]
    assert [(p["start"], p["tickets"]) for p in weekly["periods"]] == [
        ("2026-03-02T00:00:00+00:00", 4)
    ]
    negative_only = {**window, "sentiment": ["NEGATIVE"]}
    monthly = (await gql(SUMMARY, filter=negative_only, interval="MONTH"))["feedbackSummary"]
    assert monthly["start"] == "2026-03-01T00:00:00+00:00"
    assert [p["tickets"] for p in monthly["periods"]] == [1]

    # Default window: the last 30 days, today included.
    recent = (await gql(SUMMARY, interval="DAY"))["feedbackSummary"]
    assert len(recent["periods"]) == 30
    assert sum(p["tickets"] for p in recent["periods"]) == 0


async def test_feedback_summary_refuses_windows_it_cannot_chart(gql: GraphQLClient) -> None:
    too_long = {"createdAt": {"gte": "2020-01-01T00:00:00Z", "lt": "2026-01-01T00:00:00Z"}}
    errors = await gql.errors(SUMMARY, filter=too_long, interval="DAY")
    assert errors[0]["extensions"]["code"] == "OUT_OF_RANGE"
    assert "400" in errors[0]["message"]
    monthly = (await gql(SUMMARY, filter=too_long, interval="MONTH"))["feedbackSummary"]
    assert len(monthly["periods"]) == 72
    backwards = {"createdAt": {"gte": "2026-01-02T00:00:00Z", "lt": "2026-01-01T00:00:00Z"}}
    errors = await gql.errors(SUMMARY, filter=backwards, interval="DAY")
    assert errors[0]["extensions"]["code"] == "OUT_OF_RANGE"


async def test_feedback_summary_stops_at_the_ends_of_the_calendar(gql: GraphQLClient) -> None:
    first_second = {"createdAt": {"lt": "0001-01-01T00:00:01Z"}}
    for interval in ("DAY", "WEEK", "MONTH"):
        data = (await gql(SUMMARY, filter=first_second, interval=interval))["feedbackSummary"]
        assert [p["start"] for p in data["periods"]] == ["0001-01-01T00:00:00+00:00"]
    last_day = {"createdAt": {"gte": "9999-12-30T00:00:00Z", "lt": "9999-12-31T12:00:00Z"}}
    errors = await gql.errors(SUMMARY, filter=last_day, interval="DAY")
    assert errors[0]["extensions"]["code"] == "OUT_OF_RANGE"
    assert "9999" in errors[0]["message"]


async def test_the_summary_counts_free_form_tags_from_before_tagging(gql: GraphQLClient) -> None:
    await factories.customer(gql)
    customer = str((await gql.database.db["customers"].find_one({}))["_id"])
    day = datetime(2026, 3, 2, 9, tzinfo=UTC)
    legacy = await ticket_at(gql, customer, "Where is my parcel?", day)
    await tag_pending(gql.database)
    # A ticket as stored before tags had a source: plain strings a person typed.
    await gql.database.db["tickets"].update_one(
        {"_id": legacy}, {"$set": {"tags": ["vip-customer"]}}
    )
    window = {"createdAt": {"gte": "2026-03-02T00:00:00Z", "lt": "2026-03-03T00:00:00Z"}}
    data = (await gql(SUMMARY, filter=window, interval="DAY"))["feedbackSummary"]
    assert data["tags"] == [{"tag": "vip-customer", "tickets": 1, "negative": 0}]
