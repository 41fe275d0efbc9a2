"""A small shop's real workload on the default store (the embedded SQLite engine): a purchase
history of 2,000 customers imported through the API, then segmented three times in a row.

The full-size run (2,357 customers, 6,919 orders, with timings and concurrent queries) is
``scripts/bench/scenario.py``; this is its test-sized version, kept small enough for CI.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import strawberry
from pymongo import AsyncMongoClient
from starlette.datastructures import UploadFile

from app.core.db import Database
from app.core.settings import Settings
from app.core.store import EmbeddedStore
from app.demo.histories import purchase_history
from app.repositories import REPOSITORIES
from app.segmentation.repository import AssignmentRepository
from app.tagging.repository import TagRepository
from tests.conftest import GraphQLClient, run_job

CUSTOMERS, ORDERS = 2_000, 2_600
IMPORT = """mutation($input: ImportDataInput!) { importData(input: $input) {
    job { id } userErrors { code } } }"""
JOB = """query($id: ID!) { job(id: $id) { status error { code message } result {
    ... on ImportResult { imported updated failed failures { row code message } }
    ... on SegmentationResult { run { id customerCount segments { key size } } } } } }"""
SEGMENT = """mutation { startSegmentation(input: {k: 4}) { job { id } userErrors { code } } }"""
MEMBERS = """query($f: CustomerFilter) { customers(first: 100, filter: $f) {
    totalCount edges { node { segment { segment { key } } } } } }"""


@pytest.fixture
async def sqlite_gql(
    tmp_path: Path, schema: strawberry.Schema, settings: Settings
) -> AsyncIterator[GraphQLClient]:
    store = await EmbeddedStore.open(str(tmp_path / "crm.sqlite"))
    client: AsyncMongoClient[Any] = AsyncMongoClient(store.uri, tz_aware=True)
    database = Database(client=client, db=client[settings.database])
    await database.ensure_indexes(REPOSITORIES)
    await TagRepository(database.db).ensure_defaults(datetime.now(UTC))
    yield GraphQLClient(schema, database, settings)
    await client.close()
    await store.close()


async def import_file(gql: GraphQLClient, entity: str, data: bytes) -> dict[str, Any]:
    upload = UploadFile(file=io.BytesIO(data), filename=f"{entity.lower()}.csv")
    return await run_job(
        gql, JOB, IMPORT, input={"entity": entity, "format": "CSV", "file": upload}
    )


async def test_a_shops_history_imports_whole_and_segments_three_times(
    sqlite_gql: GraphQLClient,
) -> None:
    gql = sqlite_gql
    files = purchase_history(CUSTOMERS, ORDERS, seed=5)
    customers = await import_file(gql, "CUSTOMERS", files.customers)
    products = await import_file(gql, "PRODUCTS", files.products)
    # One file whose batches name thousands of distinct customers.
    orders = await import_file(gql, "ORDERS", files.orders)
    assert [(r["imported"], r["failed"]) for r in (customers, products, orders)] == [
        (CUSTOMERS, 0),
        (60, 0),
        (ORDERS, 0),
    ]
    runs = [(await run_job(gql, JOB, SEGMENT))["run"] for _ in range(3)]
    assert all(r["customerCount"] == CUSTOMERS for r in runs)
    assert [sum(s["size"] for s in r["segments"]) for r in runs] == [CUSTOMERS] * 3
    assignments = AssignmentRepository(gql.database.db)
    assert await assignments.count({}) == 3 * CUSTOMERS
    # The biggest segment's customers, paged through the latest run's assignments.
    latest = runs[-1]
    biggest = max(latest["segments"], key=lambda s: s["size"])
    page = await gql(MEMBERS, f={"segment": {"runId": latest["id"], "keys": [biggest["key"]]}})
    assert page["customers"]["totalCount"] == biggest["size"]
    assert {e["node"]["segment"]["segment"]["key"] for e in page["customers"]["edges"]} == {
        biggest["key"]
    }
