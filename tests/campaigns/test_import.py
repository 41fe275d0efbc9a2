"""CAMPAIGN_EVENTS files: history from an email tool, bad rows reported, good ones written."""

from __future__ import annotations

from datetime import timedelta

from tests.campaigns.history import (
    RESULTS,
    START,
    customer_documents,
    insert_customers,
    running_campaign,
)
from tests.conftest import GraphQLClient
from tests.imports.test_graphql import run_import


async def test_an_email_tools_history_imports_row_by_row(gql: GraphQLClient) -> None:
    await insert_customers(gql.database.db, customer_documents(3, prefix="mail"))
    campaign = await running_campaign(gql, name="Newsletter March")
    day = (START + timedelta(days=1)).date().isoformat()  # after the start, whatever the hour
    csv = "\n".join(
        [
            "campaign,customerEmail,variant,event,at,revenue",
            f"Newsletter March,mail.0@example.com,control,EXPOSED,{day}T10:00:00Z,",
            f"newsletter march,mail.0@example.com,control,OPENED,{day}T11:00:00Z,",
            f"{campaign['id']},mail.1@example.com,b,EXPOSED,{day}T10:00:00Z,",
            f"Newsletter March,mail.1@example.com,b,CONVERTED,{day}T12:00:00Z,19.90",
            f"Newsletter March,mail.1@example.com,control,CLICKED,{day}T12:30:00Z,",
            f"Newsletter March,nobody@example.com,b,EXPOSED,{day}T10:00:00Z,",
            f"Newsletter March,mail.2@example.com,b,BOUNCED,{day}T10:00:00Z,",
            "Newsletter March,mail.2@example.com,b,EXPOSED,not-a-date,",
            f"Other campaign,mail.2@example.com,b,EXPOSED,{day}T10:00:00Z,",
        ]
    ).encode()
    job = await run_import(gql, "CAMPAIGN_EVENTS", csv)
    assert job["status"] == "SUCCEEDED", job["error"]
    result = job["result"]
    assert (result["imported"], result["updated"], result["failed"]) == (4, 0, 5)
    failures = {(f["row"], f["field"], f["code"]) for f in result["failures"]}
    assert failures == {
        (6, "variant", "INVALID"),  # mail.1 is in b
        (7, "customerEmail", "NOT_FOUND"),
        (8, "event", "INVALID"),
        (9, "at", "INVALID"),
        (10, "campaign", "NOT_FOUND"),
    }
    again = (await run_import(gql, "CAMPAIGN_EVENTS", csv))["result"]
    assert (again["imported"], again["updated"], again["failed"]) == (0, 4, 5)
    found = (await gql(RESULTS, id=campaign["id"]))["campaignResults"]
    control, b = found["variants"]
    assert (control["exposed"], control["opened"], b["exposed"], b["conversions"]) == (1, 1, 1, 1)
    assert b["revenue"]["amount"] == "19.90"
