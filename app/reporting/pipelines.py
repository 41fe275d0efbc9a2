"""The aggregation pipelines of the service reports: the metric definitions (README, 'Service
metrics') written as MongoDB 6.0 expressions, so the server does the counting and the
percentiles ($sortArray + $arrayElemAt: $percentile and $median are 7.0+).

Each pipeline starts with a ``$match`` on its anchor date (an indexed field), then groups by
period (``$dateTrunc``, UTC, weeks from Monday) and the requested groups. Percentiles: the
median is the middle value (the mean of the two middle ones for an even count); the 90th
percentile is the nearest rank, the value at rank ceil(0.9 n).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from app.tickets.models import TicketStatus
from app.workflow.models import HELD, SlaMetric

DONE = [TicketStatus.RESOLVED.value, TicketStatus.CLOSED.value]
UNITS = {"DAY": "day", "WEEK": "week", "MONTH": "month"}
# Who a ticket counts for: solve metrics by who held it when solved, the rest by who holds it.
LIVE = {
    "AGENT": "$assigneeId",
    "TEAM": "$teamId",
    "TYPE": "$type",
    "PRIORITY": "$priority",
    "CHANNEL": "$channel",
    "LANGUAGE": {"$ifNull": ["$language", "und"]},
    "TAG": {"$ifNull": ["$tags.name", "$tags"]},  # after $unwind; a legacy tag is a string
}
AT_SOLVE = {**LIVE, "AGENT": "$metrics.assigneeAtSolve", "TEAM": "$metrics.teamAtSolve"}
UNWIND_TAGS = {"$unwind": {"path": "$tags", "preserveNullAndEmptyArrays": True}}
type Pipeline = list[dict[str, Any]]


def _match(anchor: dict[str, Any], query: dict[str, Any]) -> dict[str, Any]:
    return {"$match": {"$and": [anchor, query]} if query else anchor}


def _grouped(
    field: str, unit: str, groups: Sequence[str], keys: dict[str, Any]
) -> tuple[Pipeline, dict[str, Any]]:
    """The stages before ``$group`` (one ticket per tag when grouping by TAG) and its _id."""
    truncated = {"date": f"${field}", "unit": UNITS[unit], "startOfWeek": "monday"}
    ident: dict[str, Any] = {"period": {"$dateTrunc": truncated}}
    ident.update({group: keys[group] for group in groups})
    return [UNWIND_TAGS] if "TAG" in groups else [], ident


def _count_if(condition: Any) -> dict[str, Any]:
    return {"$sum": {"$cond": [condition, 1, 0]}}


def _is_date(path: str) -> dict[str, Any]:
    return {"$eq": [{"$type": path}, "date"]}


def stats(values: str) -> dict[str, Any]:
    """Count, median and 90th percentile of the non-null numbers in the array ``values``."""

    def at(index: Any) -> dict[str, Any]:
        return {"$arrayElemAt": ["$$sorted", {"$toInt": index}]}

    half = {"$divide": [{"$subtract": ["$$n", 1]}, 2]}
    rank90 = {"$floor": {"$divide": [{"$add": [{"$multiply": ["$$n", 9]}, 9]}, 10]}}
    present = {"$filter": {"input": values, "cond": {"$ne": ["$$this", None]}}}
    empty = {"$eq": ["$$n", 0]}
    figures = {
        "count": "$$n",
        "median": {"$cond": [empty, None, {"$avg": [at({"$floor": half}), at({"$ceil": half})]}]},
        "p90": {"$cond": [empty, None, at({"$subtract": [rank90, 1]})]},
    }
    counted = {"$let": {"vars": {"n": {"$size": "$$sorted"}}, "in": figures}}
    return {"$let": {"vars": {"sorted": {"$sortArray": {"input": present, "sortBy": 1}}},
                     "in": counted}}  # fmt: skip


def _durations(group: dict[str, Any], names: dict[str, Any]) -> Pipeline:
    """Push each metric (``names``: output name -> its value) and turn the arrays into stats."""
    group.update({name: {"$push": value} for name, value in names.items()})
    return [{"$group": group}, {"$set": {name: stats(f"${name}") for name in names}}]


def created(
    query: dict[str, Any], start: datetime, end: datetime, unit: str, groups: Sequence[str]
) -> Pipeline:
    """Tickets created per period; how many of them were escalated."""
    before, ident = _grouped("createdAt", unit, groups, LIVE)
    escalated = {"$gt": [{"$ifNull": ["$metrics.escalations", 0]}, 0]}
    return [
        _match({"createdAt": {"$gte": start, "$lt": end}}, query),
        *before,
        {"$group": {"_id": ident, "created": {"$sum": 1}, "escalated": _count_if(escalated)}},
    ]


def first_replies(
    query: dict[str, Any], start: datetime, end: datetime, unit: str, groups: Sequence[str]
) -> Pipeline:
    """First reply times by the period of the first reply."""
    before, ident = _grouped("metrics.firstReplyAt", unit, groups, LIVE)
    return [
        _match({"metrics.firstReplyAt": {"$gte": start, "$lt": end}}, query),
        *before,
        *_durations(
            {"_id": ident},
            {
                "firstReply": "$metrics.firstReplyMinutes",
                "firstReplyBusiness": "$metrics.firstReplyBusinessMinutes",
            },
        ),
    ]


def _sla_counts() -> dict[str, Any]:
    """Per SLA metric: hit (its target met, never breached) and missed (breached)."""
    breached = {"$ifNull": ["$sla.breaches.metric", []]}
    counts: dict[str, Any] = {}
    for metric in SlaMetric:
        name = metric.value
        missed = {"$in": [name, breached]}
        counts[f"sla_{name}_missed"] = _count_if(missed)
        counts[f"sla_{name}_hit"] = _count_if(
            {"$and": [_is_date(f"$sla.metrics.{name}.metAt"), {"$eq": [missed, False]}]}
        )
    return counts


def solved(
    query: dict[str, Any], start: datetime, end: datetime, unit: str, groups: Sequence[str]
) -> Pipeline:
    """Tickets whose latest solve falls in the period (and that are still solved): resolution
    and requester wait times, touches, reopens, SLA outcomes and the survey of that solve."""
    before, ident = _grouped("metrics.solvedAt", unit, groups, AT_SOLVE)
    surveyed = {
        "$and": [_is_date("$survey.openedAt"), {"$eq": ["$survey.openedAt", "$metrics.solvedAt"]}]
    }
    answered = {"$and": [surveyed, _is_date("$survey.answeredAt")]}
    group: dict[str, Any] = {
        "_id": ident,
        "solved": {"$sum": 1},
        "oneTouch": _count_if({"$lte": ["$metrics.agentReplies", 1]}),
        "reopened": _count_if({"$gt": ["$metrics.reopens", 0]}),
        "surveys": _count_if(surveyed),
        "responses": _count_if(answered),
        "good": _count_if({"$and": [answered, {"$gte": ["$satisfaction.rating", 4]}]}),
        **_sla_counts(),
    }
    return [
        _match({"metrics.solvedAt": {"$gte": start, "$lt": end}}, query),
        {"$match": {"status": {"$in": DONE}}},
        *before,
        *_durations(
            group,
            {
                "resolution": "$metrics.resolutionMinutes",
                "resolutionBusiness": "$metrics.resolutionBusinessMinutes",
                "requesterWait": "$metrics.requesterWaitMinutes",
                "requesterWaitBusiness": "$metrics.requesterWaitBusinessMinutes",
            },
        ),
    ]


def backlog(
    query: dict[str, Any], ends: Sequence[datetime], unit: str, groups: Sequence[str]
) -> Pipeline:
    """Per period end: the tickets open then (created before it, and open now or solved last at
    or after it) and their ages in minutes. A ticket solved in the period it was created in is
    open at no period end: it is dropped before the ends are tried on the others."""
    first, last = min(ends), max(ends)
    still_open = {"$in": ["$status", sorted(HELD)]}

    def period(field: str) -> dict[str, Any]:
        return {"$dateTrunc": {"date": field, "unit": UNITS[unit], "startOfWeek": "monday"}}

    spans = {"$or": [still_open, {"$ne": [period("$createdAt"), period("$metrics.solvedAt")]}]}
    open_at = {
        "$filter": {
            "input": list(ends),
            "as": "end",
            "cond": {
                "$and": [
                    {"$lt": ["$createdAt", "$$end"]},
                    {"$or": [still_open, {"$gte": ["$metrics.solvedAt", "$$end"]}]},
                ]
            },
        }
    }
    # Only what the count needs is carried past $unwind (once per period the ticket is open).
    carried: dict[str, Any] = {"_id": 0, "createdAt": 1, "openAt": open_at}
    if groups:
        carried["keys"] = {group: LIVE[group] for group in groups}
    live = {"$or": [{"status": {"$in": sorted(HELD)}}, {"metrics.solvedAt": {"$gte": first}}]}
    age = {"$divide": [{"$subtract": ["$openAt", "$createdAt"]}, 60_000]}
    ident = {"end": "$openAt", **{group: f"$keys.{group}" for group in groups}}
    return [
        _match({"createdAt": {"$lt": last}}, {"$and": [live, query]} if query else live),
        {"$match": {"$expr": spans}},
        *([UNWIND_TAGS] if "TAG" in groups else []),
        {"$project": carried},
        {"$unwind": "$openAt"},
        *_durations({"_id": ident, "open": {"$sum": 1}}, {"ages": age}),
    ]


def complainers(query: dict[str, Any], start: datetime, end: datetime, unit: str) -> Pipeline:
    """Complaints per period and customer (their segments are looked up after)."""
    before, ident = _grouped("createdAt", unit, [], LIVE)
    return [
        _match({"createdAt": {"$gte": start, "$lt": end}}, query),
        *before,
        {"$group": {"_id": {**ident, "customer": "$customerId"}, "complaints": {"$sum": 1}}},
    ]


def repeat_complainers(
    query: dict[str, Any], since: datetime, end: datetime, limit: int
) -> Pipeline:
    """Customers with more than one complaint from ``since`` to ``end``, most first."""
    return [
        _match({"createdAt": {"$gte": since, "$lt": end}}, query),
        {
            "$group": {
                "_id": "$customerId",
                "complaints": {"$sum": 1},
                "last": {"$max": "$createdAt"},
            }
        },
        {"$match": {"complaints": {"$gt": 1}}},
        {"$sort": {"complaints": -1, "last": -1, "_id": 1}},
        {"$limit": limit},
    ]
