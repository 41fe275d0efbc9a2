"""A campaign's audience: a ``CustomerFilter`` kept with the campaign and evaluated when the
campaign is assigned (not when it was saved), through the same source as ``customers(filter:)``.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import datetime
from enum import Enum
from typing import Any

from bson import ObjectId

from app.core.db import Document, MongoDatabase
from app.customers.graphql.audience import audience_ids as filtered_ids
from app.customers.graphql.audience import member_source
from app.customers.graphql.inputs import CustomerFilter
from app.customers.repository import CustomerRepository
from app.graphql.inputs import filter_error
from app.graphql.types import document_key
from app.propensity.repository import PropensityScoreRepository
from app.propensity.service import audience
from app.segmentation.graphql.inputs import segment_members
from app.segmentation.repository import AssignmentRepository


def audience_document(customer_filter: CustomerFilter | None) -> Document:
    """The filter, checked now (a bad one fails the mutation as ``customers`` would), kept as
    its values (to rebuild it) and as the client wrote it (to show)."""
    chosen = customer_filter or CustomerFilter()
    chosen.to_query()
    if chosen.segment is not None and chosen.propensity is not None:
        raise filter_error("filter.segment and filter.propensity cannot be combined.")
    if chosen.segment is not None:
        segment_members(chosen.segment)
    if chosen.propensity is not None:
        chosen.propensity.check()
    values = dataclasses.asdict(chosen)
    return {"values": _stored(values), "filter": _shown(values)}


def audience_filter(audience_doc: Document) -> CustomerFilter:
    return _rebuilt(CustomerFilter, audience_doc["values"])


async def audience_ids(db: MongoDatabase, audience_doc: Document) -> list[ObjectId]:
    """The customers the audience holds now, in ID order."""
    chosen = audience_filter(audience_doc)
    member_source(db, chosen)  # segment with propensity: refused here as in customers()
    return [customer async for batch in filtered_ids(db, chosen) for customer in batch]


async def in_audience(db: MongoDatabase, audience_doc: Document, customer_id: ObjectId) -> bool:
    """Whether one customer is in the audience now: point lookups, not a walk of the members."""
    chosen = audience_filter(audience_doc)
    if not await CustomerRepository(db).matching_ids(chosen.to_query(), [customer_id]):
        return False
    if chosen.segment is not None:
        members = segment_members(chosen.segment)
        found = await AssignmentRepository(db).for_customers(members.run_id, [customer_id])
        member = found.get(customer_id)
        return (
            member is not None
            and (members.keys is None or member["key"] in members.keys)
            and (members.groups is None or (member.get("rfm") or {}).get("group") in members.groups)
        )
    if chosen.propensity is not None:
        s = chosen.propensity
        selected = await audience(db, s.target, s.min_score, s.top_percent)
        if selected is None:
            return False
        scores = await PropensityScoreRepository(db).for_customers(selected.run_id, [customer_id])
        score = scores.get(customer_id)
        return (
            score is not None
            and (selected.below_rank is None or score["rank"] < selected.below_rank)
            and (selected.min_score is None or score["score"] >= selected.min_score)
        )
    return True


def _stored(value: Any) -> Any:
    """The filter's values as BSON holds them (enums by value)."""
    if isinstance(value, dict):
        return {name: _stored(item) for name, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_stored(item) for item in value]
    if isinstance(value, Enum):
        return value.value
    return value


def _rebuilt[T](cls: type[T], values: Document) -> T:
    """An input object from its stored values, by its type hints."""
    hints = typing.get_type_hints(cls)
    fields = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    return cls(**{name: _value(hints[name], v) for name, v in values.items() if name in fields})


def _value(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    origin, arguments = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [a for a in arguments if a is not type(None)]
        return _value(inner, value)
    if origin is list:
        return [_value(arguments[0], item) for item in value]
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint(value)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _rebuilt(hint, value)
    return value


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
