"""Bulk export: files behind signed links, re-importable with importData, masked for analysts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from bson import ObjectId

from app.asgi import create_app
from app.auth.roles import Role
from app.core.db import Database
from app.exports.files import ExportFiles
from app.exports.tokens import sign, signing_key
from tests.conftest import GraphQLClient, run_jobs
from tests.imports.test_graphql import run_import

START = """mutation($input: StartExportInput!) { startExport(input: $input) {
    job { id status kind } userErrors { field code } } }"""
RESULT = """query($id: ID!) { job(id: $id) { status error { code message }
    result { ... on ExportResult { entity format rows bytes url expiresAt } } } }"""
FIELDS = ("email", "name", "phone", "company", "tags", "lifecycleStage", "createdAt")


def customers_csv(count: int) -> bytes:
    lines = ["email,name,phone,company,tags,lifecycleStage,createdAt"]
    for n in range(count):
        tags = "vip|news" if n % 3 == 0 else ""
        phone = f"+44 20 7946 {n:04d}" if n % 2 else ""
        stage = ("LEAD", "CUSTOMER", "CHURNED")[n % 3]
        lines.append(
            f'c{n}@example.com,"Name {n}, Jr",{phone},Co {n % 7},{tags},{stage},'
            f"2025-01-{1 + n % 28:02d}T09:30:00Z"
        )
    return ("\n".join(lines) + "\n").encode()


async def export(gql: GraphQLClient, **input: Any) -> dict[str, Any]:
    started = await gql(START, input=input)
    assert started["startExport"]["userErrors"] == []
    await run_jobs(gql.database, gql.settings)
    job: dict[str, Any] = (await gql(RESULT, id=started["startExport"]["job"]["id"]))["job"]
    assert job["status"] == "SUCCEEDED", job["error"]
    return job["result"]


async def download(gql: GraphQLClient, url: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=create_app(gql.settings, gql.database))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as api:
        return await api.get(url)


async def stored(database: Database, collection: str, fields: tuple[str, ...]) -> list[Any]:
    docs = await database.db[collection].find({}).to_list(None)
    return sorted(tuple(str(d.get(f)) for f in fields) for d in docs)


async def test_customers_round_trip_through_export_and_import(gql: GraphQLClient) -> None:
    count = 1_200
    assert (await run_import(gql, "CUSTOMERS", customers_csv(count)))["status"] == "SUCCEEDED"
    before = await stored(gql.database, "customers", FIELDS)
    for file_format in ("CSV", "JSONL"):
        result = await export(gql, entity="CUSTOMERS", format=file_format)
        assert result["rows"] == count
        response = await download(gql, result["url"])
        assert response.status_code == 200
        assert len(response.content) == result["bytes"]
        await gql.database.db["customers"].delete_many({})
        job = await run_import(gql, "CUSTOMERS", response.content, file_format)
        assert job["status"] == "SUCCEEDED"
        assert job["result"]["imported"] == count
        assert await stored(gql.database, "customers", FIELDS) == before


async def test_products_round_trip_and_filter(gql: GraphQLClient) -> None:
    rows = ["sku,name,description,price,currency,active"]
    rows += [f"SKU-{n:03d},Item {n},,{n}.99,USD,{'true' if n % 2 else 'false'}" for n in range(40)]
    await run_import(gql, "PRODUCTS", ("\n".join(rows) + "\n").encode())
    fields = ("sku", "name", "price", "currency", "active")
    before = await stored(gql.database, "products", fields)
    active = await export(
        gql, entity="PRODUCTS", format="CSV", filter={"products": {"active": True}}
    )
    assert active["rows"] == 20
    result = await export(gql, entity="PRODUCTS", format="JSONL")
    body = (await download(gql, result["url"])).content
    await gql.database.db["products"].delete_many({})
    assert (await run_import(gql, "PRODUCTS", body, "JSONL"))["result"]["imported"] == 40
    assert await stored(gql.database, "products", fields) == before


async def test_analysts_get_masked_emails_and_phones(gql: GraphQLClient, as_role: Any) -> None:
    await run_import(gql, "CUSTOMERS", customers_csv(4))
    analyst = await as_role(Role.ANALYST)
    result = await export(analyst, entity="CUSTOMERS", format="CSV")
    body = (await download(analyst, result["url"])).text
    assert "c1@example.com" not in body
    assert "7946 0001" not in body
    assert "c***@example.com" in body
    assert "*** **** 0001" in body


async def test_forged_expired_and_unknown_links_are_refused(gql: GraphQLClient) -> None:
    await run_import(gql, "CUSTOMERS", customers_csv(3))
    result = await export(gql, entity="CUSTOMERS", format="CSV")
    path, _, token = result["url"].partition("?token=")
    flipped = "1" if token[-1] == "0" else "0"
    forged = await download(gql, f"{path}?token={token[:-1]}{flipped}")
    assert forged.status_code == 403
    assert "not valid" in forged.text
    assert (await download(gql, path)).status_code == 403
    key = signing_key(gql.settings)
    assert key is not None
    file_id = path.rsplit("/", 1)[1]
    old = sign(key, file_id, datetime.now(UTC) - timedelta(seconds=1))
    expired = await download(gql, f"{path}?token={old}")
    assert expired.status_code == 410
    assert "expired" in expired.text
    missing = "0" * 24
    gone = await download(
        gql,
        f"/exports/{missing}?token={sign(key, missing, datetime.now(UTC) + timedelta(hours=1))}",
    )
    assert gone.status_code == 410


async def test_same_idempotency_key_returns_the_same_job(gql: GraphQLClient) -> None:
    input = {"entity": "CUSTOMERS", "format": "CSV", "idempotencyKey": "exp-1"}
    first = await gql(START, input=input)
    again = await gql(START, input=input)
    assert first["startExport"]["job"]["id"] == again["startExport"]["job"]["id"]
    other = await gql(START, input={**input, "filter": {"products": {"active": True}}})
    assert other["startExport"]["userErrors"] == [{"field": "filter", "code": "INVALID"}]


async def test_expired_files_are_swept(gql: GraphQLClient) -> None:
    await run_import(gql, "CUSTOMERS", customers_csv(3))
    result = await export(gql, entity="CUSTOMERS", format="CSV")
    file_id = ObjectId(result["url"].split("/")[2].split("?")[0])
    files = ExportFiles(gql.database.db)
    assert await files.sweep(datetime.now(UTC)) == 0
    await files.files.update_one(
        {"_id": file_id}, {"$set": {"metadata.expiresAt": datetime.now(UTC) - timedelta(1)}}
    )
    assert await files.sweep(datetime.now(UTC)) == 1
    assert await files.info(file_id) is None
    assert await gql.database.db["exports.chunks"].count_documents({"files_id": file_id}) == 0
    assert (await download(gql, result["url"])).status_code == 410
