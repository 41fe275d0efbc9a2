"""complaintReport on hand-built complaints: by tag and by segment of the latest segmentation,
escalations, time to resolution, and repeat complainers (more than one in 90 days)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bson import ObjectId

from app.graphql.relay import decode_id
from app.reporting.repository import ReportRepository
from app.segmentation.models import assignment_id
from app.tagging.summary import truncate
from tests import factories
from tests.conftest import GraphQLClient
from tests.reporting.test_service_metrics import solved, ticket

QUERY = """{ complaintReport(interval: WEEK) { interval periods { start complaints escalated
  escalationRate solved timeToResolution { calendar { median } } tags { tag complaints }
  segments { segment { key label } complaints } }
  repeatComplainers { complaints lastComplaintAt customer { id } } } }"""


async def test_complaints_by_tag_segment_escalation_and_repeat_complainers(
    gql: GraphQLClient,
) -> None:
    now = datetime.now(UTC)
    people = [await factories.customer(gql, name) for name in ("Ada A", "Bo B", "Cy C")]
    loyal, new, lapsed = (decode_id(p["id"], "Customer") for p in people)
    recent, older = now - timedelta(days=1), now - timedelta(days=40)

    def complaint(customer: ObjectId, created: datetime, **fields: Any) -> dict[str, Any]:
        return {**ticket(created, "OPEN", None, **fields), "customerId": customer}

    docs = [
        complaint(loyal, recent, tags=[{"name": "delivery-shipping"}], metrics={"escalations": 1}),
        complaint(loyal, older, tags=[{"name": "delivery-shipping"}]),
        complaint(new, recent, tags=[{"name": "billing-payment"}]),
        {**complaint(new, older), "status": "RESOLVED", "metrics": {
            **ticket(older, "RESOLVED", None)["metrics"],
            **solved(older + timedelta(hours=5), older)}},
        complaint(lapsed, recent),
        complaint(lapsed, now - timedelta(days=120)),  # outside the 90 days, and the window
        {**complaint(lapsed, recent), "type": "CONSULTATION"},  # not a complaint
    ]  # fmt: skip
    await ReportRepository(gql.database.db).insert_many(docs)
    run_id = ObjectId()
    segments = [
        {"key": "vip", "label": "VIP", "rank": 1},
        {"key": "new", "label": "New", "rank": 2},
    ]
    await gql.database.db["segmentation_runs"].insert_one(
        {"_id": run_id, "status": "COMPLETE", "createdAt": now, "segments": segments}
    )
    await gql.database.db["segment_assignments"].insert_many([
        {"_id": assignment_id(run_id, c), "runId": run_id, "customerId": c, "key": key}
        for c, key in ((loyal, "vip"), (new, "new"))
    ])  # fmt: skip

    report = (await gql(QUERY))["complaintReport"]
    periods = {p["start"]: p for p in report["periods"]}
    this_week = periods[truncate(recent, "WEEK").isoformat()]
    assert (this_week["complaints"], this_week["escalated"]) == (3, 1)
    assert this_week["escalationRate"] == 1 / 3
    assert this_week["tags"] == [
        {"tag": "billing-payment", "complaints": 1},
        {"tag": "delivery-shipping", "complaints": 1},
        {"tag": None, "complaints": 1},
    ]
    assert {(s["segment"] or {}).get("key"): s["complaints"] for s in this_week["segments"]} == {
        "vip": 1, "new": 1, None: 1,
    }  # fmt: skip
    back_then = periods[truncate(older, "WEEK").isoformat()]
    assert (back_then["complaints"], back_then["solved"]) == (2, 1)
    assert back_then["timeToResolution"]["calendar"]["median"] == 300.0
    repeat = {r["customer"]["id"]: r["complaints"] for r in report["repeatComplainers"]}
    # Two each within 90 days; the lapsed customer's second complaint is 120 days old.
    assert repeat == {people[0]["id"]: 2, people[1]["id"]: 2}
