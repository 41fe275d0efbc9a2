"""Bulk import: upserts by natural key, bad rows reported, bad files refused whole."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.datastructures import UploadFile

from app.__main__ import main
from app.asgi import create_app
from app.core.db import Database
from app.core.settings import Settings
from tests.conftest import GraphQLClient, run_jobs
from tests.tagging.conftest import tag_pending

EXAMPLES = Path(__file__).resolve().parents[2] / "schema" / "examples"
IMPORT = """mutation($input: ImportDataInput!) { importData(input: $input) {
    job { id status } userErrors { field code } } }"""
RESULT = """query($id: ID!) { job(id: $id) { status error { code message }
    result { ... on ImportResult { entity imported updated failed
        failures { row field code message } } } } }"""


async def run_import(
    gql: GraphQLClient, entity: str, data: bytes, file_format: str = "CSV"
) -> dict[str, Any]:
    upload = UploadFile(file=io.BytesIO(data), filename=f"{entity.lower()}.{file_format.lower()}")
    started = await gql(IMPORT, input={"entity": entity, "format": file_format, "file": upload})
    assert started["importData"]["userErrors"] == []
    await run_jobs(gql.database, gql.settings)
    job: dict[str, Any] = (await gql(RESULT, id=started["importData"]["job"]["id"]))["job"]
    return job


async def import_examples(gql: GraphQLClient) -> list[dict[str, Any]]:
    files = [
        ("CUSTOMERS", "customers.csv", "CSV"),
        ("CUSTOMERS", "customers.jsonl", "JSONL"),
        ("PRODUCTS", "products.csv", "CSV"),
        ("ORDERS", "orders.csv", "CSV"),
        ("TICKETS", "tickets.csv", "CSV"),
    ]
    results = []
    for entity, name, file_format in files:
        job = await run_import(gql, entity, (EXAMPLES / name).read_bytes(), file_format)
        assert job["status"] == "SUCCEEDED", job["error"]
        results.append(job["result"])
    return results


async def test_examples_import_and_reimport_creates_no_duplicates(gql: GraphQLClient) -> None:
    first = await import_examples(gql)
    assert [(r["imported"], r["updated"], r["failed"]) for r in first] == [
        (3, 0, 0), (2, 0, 0), (3, 0, 0), (2, 0, 0), (2, 0, 0),
    ]  # fmt: skip
    again = await import_examples(gql)
    assert [(r["imported"], r["updated"], r["failed"]) for r in again] == [
        (0, 3, 0), (0, 2, 0), (0, 3, 0), (0, 2, 0), (0, 2, 0),
    ]  # fmt: skip
    data = await gql("""{ customers { totalCount } products { totalCount } orders { totalCount }
        tickets { totalCount } }""")
    assert {k: v["totalCount"] for k, v in data.items()} == {
        "customers": 5, "products": 3, "orders": 2, "tickets": 2,
    }  # fmt: skip
    order = await gql("""{ orderByNumber(number: "SO-900001") { status total { amount }
        placedAt customer { email } items { sku quantity unitPrice { amount } } } }""")
    assert order["orderByNumber"] == {
        "status": "DELIVERED",
        "total": {"amount": "139.97"},  # 79.99 from the catalogue + 2 x 29.99 given
        "placedAt": "2025-02-01T10:00:00+00:00",
        "customer": {"email": "ada@example.com"},
        "items": [
            {"sku": "AUD-001", "quantity": 1, "unitPrice": {"amount": "79.99"}},
            {"sku": "HOM-002", "quantity": 2, "unitPrice": {"amount": "29.99"}},
        ],
    }
    ticket = await gql('{ ticketByNumber(number: "TK-900001") { order { number } status } }')
    assert ticket["ticketByNumber"] == {"order": {"number": "SO-900001"}, "status": "RESOLVED"}
    # Imported tickets wait for the automatic tagger like new ones.
    assert await tag_pending(gql.database) == 2
    tagged = await gql('{ ticketByNumber(number: "TK-900001") { language sentiment { label } } }')
    assert tagged["ticketByNumber"]["sentiment"] is not None
    # New orders are numbered after the imported ones.
    counter = await gql.database.db.counters.find_one({"_id": "orders"})
    assert counter is not None
    assert counter["value"] == 900002


async def test_bad_rows_are_reported_and_good_rows_imported(gql: GraphQLClient) -> None:
    csv = (
        b"email,name,lifecycleStage,createdAt\n"
        b"good@example.com,Good Row,CUSTOMER,2025-01-01\n"
        b"not-an-email,Bad Email,,\n"
        b"stage@example.com,Bad Stage,VIP,\n"
        b"date@example.com,Bad Date,,yesterday\n"
        b",No Email,,\n"
    )
    job = await run_import(gql, "CUSTOMERS", csv)
    result = job["result"]
    assert (result["imported"], result["updated"], result["failed"]) == (1, 0, 4)
    assert [(f["row"], f["field"], f["code"]) for f in result["failures"]] == [
        (3, "email", "INVALID"),
        (4, "lifecycleStage", "INVALID"),
        (5, "createdAt", "INVALID"),
        (6, "email", "REQUIRED"),
    ]


async def test_an_order_with_one_bad_line_writes_nothing_of_that_order(gql: GraphQLClient) -> None:
    await import_examples(gql)
    csv = (
        b"number,customerEmail,sku,quantity,unitPrice\n"
        b"A-1,ada@example.com,AUD-001,1,0\n"  # a free sample: 0 is a valid price
        b"A-2,ada@example.com,AUD-001,1,\n"
        b"A-2,ada@example.com,NOPE-1,1,\n"
        b"A-3,nobody@example.com,AUD-001,1,\n"
        b"A-4,ada@example.com,AUD-001,0,\n"
    )
    result = (await run_import(gql, "ORDERS", csv))["result"]
    assert (result["imported"], result["failed"]) == (1, 4)
    assert [(f["row"], f["field"], f["code"]) for f in result["failures"]] == [
        (3, "number", "INVALID"),
        (4, "sku", "NOT_FOUND"),
        (5, "customerEmail", "NOT_FOUND"),
        (6, "quantity", "OUT_OF_RANGE"),
    ]
    free = await gql('{ orderByNumber(number: "A-1") { total { amount } status } }')
    assert free["orderByNumber"] == {"total": {"amount": "0.00"}, "status": "DELIVERED"}
    assert (await gql('{ orderByNumber(number: "A-2") { number } }'))["orderByNumber"] is None


@pytest.mark.parametrize(
    ("data", "file_format"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", "CSV"),
        (b"\xff\xfe\xfa not utf-8", "CSV"),
        (b"name,phone\nAda,123\n", "CSV"),  # no email column
        (b"email,name\nada@example.com,Ada\n", "JSONL"),  # CSV sent as JSON Lines
        (b'{"name": "Ada"}\n', "JSONL"),  # first object lacks email
    ],
)
async def test_unusable_files_fail_the_job_and_write_nothing(
    gql: GraphQLClient, data: bytes, file_format: str
) -> None:
    job = await run_import(gql, "CUSTOMERS", data, file_format)
    assert job["status"] == "FAILED"
    assert job["error"]["code"] == "INVALID_FILE"
    assert (await gql("{ customers { totalCount } }"))["customers"]["totalCount"] == 0


async def test_multipart_upload_over_http_needs_the_preflight_header(
    settings: Settings, database: Database
) -> None:
    transport = httpx.ASGITransport(app=create_app(settings, database))
    operations = (
        '{"query": "mutation($f: Upload!) { importData(input: {entity: PRODUCTS, format: CSV,'
        ' file: $f}) { job { status kind } userErrors { code } } }", "variables": {"f": null}}'
    )
    form = {"operations": operations, "map": '{"0": ["variables.f"]}'}
    files = {"0": ("products.csv", (EXAMPLES / "products.csv").read_bytes(), "text/csv")}
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as api:
        refused = await api.post("/graphql", data=form, files=files)
        assert refused.status_code == 400
        assert refused.json()["errors"][0]["extensions"]["code"] == "PREFLIGHT_REQUIRED"
        accepted = await api.post(
            "/graphql", data=form, files=files, headers={"Apollo-Require-Preflight": "true"}
        )
        assert accepted.json()["data"]["importData"] == {
            "job": {"status": "QUEUED", "kind": "IMPORT"},
            "userErrors": [],
        }


def test_cli_import(
    mongo_url: str,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("CRM_MONGODB_URL", mongo_url)
    monkeypatch.setenv("CRM_DATABASE", settings.database + "_import")
    assert main(["import", "CUSTOMERS", str(EXAMPLES / "customers.csv")]) == 0
    assert "3 imported, 0 updated, 0 failed" in capsys.readouterr().out
    assert main(["import", "CUSTOMERS", str(EXAMPLES / "customers.csv")]) == 0
    assert "0 imported, 3 updated, 0 failed" in capsys.readouterr().out
    odd = tmp_path / "customers.txt"
    odd.write_text("email,name\n")
    assert main(["import", "CUSTOMERS", str(odd)]) == 2
    assert "--format" in capsys.readouterr().err
    broken = tmp_path / "broken.csv"
    broken.write_text("name\nAda\n")
    assert main(["import", "CUSTOMERS", str(broken)]) == 1
    assert "Missing required column(s) email" in capsys.readouterr().err
