"""A campaign's audience: a ``CustomerFilter`` as stored with the campaign, and its customers
when the campaign is assigned (the filter is evaluated then, not when it was saved)."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from enum import Enum
from typing import Any

from bson import ObjectId, json_util

from app.core.db import Document, MongoDatabase
from app.customers.graphql.inputs import CustomerFilter
from app.customers.repository import CustomerRepository
from app.graphql.types import document_key
from app.segmentation.graphql.inputs import segment_members
from app.segmentation.repository import AssignmentRepository

MEMBER_BATCH = 10_000


def audience_document(customer_filter: CustomerFilter | None) -> Document:
    """The filter checked and translated now (bad input fails the mutation), kept as the
    client wrote it (to show) and as the query it becomes (to run)."""
    chosen = customer_filter or CustomerFilter()
    query = chosen.to_query()
    segment = None
    if chosen.segment is not None:
        members = segment_members(chosen.segment)
        segment = {"runId": members.run_id, "keys": members.keys, "groups": members.groups}
    return {
        "filter": _shown(dataclasses.asdict(chosen)),
        # Extended JSON keeps what BSON would refuse as field names ($-operators) as text.
        "query": json_util.dumps(query),
        "segment": segment,
    }


async def audience_ids(db: MongoDatabase, audience: Document) -> list[ObjectId]:
    """The customers the audience holds now, in ID order."""
    ids = await CustomerRepository(db).ids_matching(json_util.loads(audience["query"]))
    segment = audience.get("segment")
    if segment is None:
        return ids
    members: set[ObjectId] = set()
    assignments = AssignmentRepository(db)
    after = None
    while True:
        batch = await assignments.member_ids(
            segment["runId"], segment["keys"], segment["groups"],
            after=after, forward=True, limit=MEMBER_BATCH,
        )  # fmt: skip
        members.update(batch)
        if len(batch) < MEMBER_BATCH:
            break
        after = batch[-1]
    return [customer for customer in ids if customer in members]


async def in_audience(db: MongoDatabase, audience: Document, customer_id: ObjectId) -> bool:
    """Whether one customer is in the audience now."""
    query = json_util.loads(audience["query"])
    if not await CustomerRepository(db).matching_ids(query, [customer_id]):
        return False
    segment = audience.get("segment")
    if segment is None:
        return True
    found = await AssignmentRepository(db).for_customers(segment["runId"], [customer_id])
    member = found.get(customer_id)
    return (
        member is not None
        and (segment["keys"] is None or member["key"] in segment["keys"])
        and (
            segment["groups"] is None or (member.get("rfm") or {}).get("group") in segment["groups"]
        )
    )


def _shown(value: Any) -> Any:
    """The filter as JSON in the API's own names (camelCase, enum names, ISO times)."""
    if isinstance(value, dict):
        return {
            document_key(name.rstrip("_")): _shown(item)
            for name, item in value.items()
            if item is not None
        }
    if isinstance(value, list):
        return [_shown(item) for item in value]
    if isinstance(value, Enum):
        return value.name
    if isinstance(value, datetime):
        return value.isoformat()
    return value
