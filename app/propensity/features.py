"""Per-customer features as of a cut-off, and what happened in the horizon after it.

Everything here is pure NumPy over flat arrays of every revenue order and ticket up to
``asOf`` (one aggregation each in MongoDB), so the features at several cut-offs cost one load.
A feature at cut-off ``c`` sees only orders and tickets at or before ``c``; a label sees only
orders in ``(c, c + horizon]``.

The population at a cut-off is every customer with at least one revenue order at or before it:
REPURCHASE is "places a revenue order in the horizon", CHURN its complement on the same people.
The RFM score is recomputed at each cut-off (quintiles, as ``app.segmentation.rfm`` scores
them) rather than taken from the latest segmentation run: that run is as of its own date, and
using it for an earlier cut-off would leak the future into the training rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from bson import ObjectId
from numpy.typing import NDArray

from app.core.db import Document
from app.core.money import CURRENCY_EXPONENTS
from app.segmentation.rfm import quintile_scores

DAY = 86_400.0
Floats = NDArray[np.float64]

# Column order of the feature matrix, with the words rules and reasons use for each.
FEATURES: tuple[tuple[str, str], ...] = (
    ("recencyDays", "days since last order"),
    ("frequency", "orders"),
    ("monetary", "spend"),
    ("tenureDays", "days since first order"),
    ("interPurchaseDays", "mean days between orders"),
    ("trend", "spend trend (last horizon vs the one before, -1 to 1)"),
    ("tickets", "tickets"),
    ("complaintShare", "complaint share"),
    ("sentiment", "average ticket sentiment"),
    ("rfmScore", "RFM score (3-15)"),
)
NAMES = tuple(name for name, _ in FEATURES)
WORDS = dict(FEATURES)
RECENCY, RFM = NAMES.index("recencyDays"), NAMES.index("rfmScore")


@dataclass(frozen=True)
class Histories:
    """Every revenue order and ticket up to ``asOf``, flattened: ``*_owner`` is the index in
    ``customer_ids`` of whom each belongs to; times are POSIX seconds."""

    customer_ids: list[ObjectId]
    order_owner: NDArray[np.int64]
    order_at: Floats
    order_total: Floats
    ticket_owner: NDArray[np.int64]
    ticket_at: Floats
    ticket_complaint: Floats
    ticket_sentiment: Floats  # NaN where a ticket was never tagged


def _seconds(moment: datetime) -> float:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def histories(orders: list[Document], tickets: list[Document], currency: str) -> Histories:
    """Flatten the per-customer rows MongoDB grouped (orders: ``at``/``total`` lists; tickets:
    ``at``/``complaint``/``sentiment`` lists). Totals become major units of ``currency``."""
    orders = sorted(orders, key=lambda row: str(row["_id"]))  # same data, same result
    index = {row["_id"]: i for i, row in enumerate(orders)}
    scale = 10.0 ** -CURRENCY_EXPONENTS.get(currency, 2)
    owner = [i for i, row in enumerate(orders) for _ in row["at"]]
    at = [_seconds(moment) for row in orders for moment in row["at"]]
    total = [float(value) * scale for row in orders for value in row["total"]]
    known = [row for row in tickets if row["_id"] in index]
    sentiment = [
        np.nan if value is None else float(value) for row in known for value in row["sentiment"]
    ]
    return Histories(
        customer_ids=[row["_id"] for row in orders],
        order_owner=np.array(owner, dtype=np.int64),
        order_at=np.array(at, dtype=np.float64),
        order_total=np.array(total, dtype=np.float64),
        ticket_owner=np.array(
            [index[row["_id"]] for row in known for _ in row["at"]], dtype=np.int64
        ),
        ticket_at=np.array([_seconds(m) for row in known for m in row["at"]], dtype=np.float64),
        ticket_complaint=np.array(
            [float(bool(c)) for row in known for c in row["complaint"]], dtype=np.float64
        ),
        ticket_sentiment=np.array(sentiment, dtype=np.float64),
    )


def _sum(owner: NDArray[np.int64], weights: Floats | None, n: int) -> Floats:
    result: Floats = np.bincount(owner, weights=weights, minlength=n).astype(np.float64)
    return result


def features_at(
    h: Histories, cutoff: float, window_days: float
) -> tuple[NDArray[np.int64], Floats]:
    """The population at ``cutoff`` (indices into ``customer_ids``) and its feature matrix,
    columns as ``FEATURES``. ``window_days`` (the horizon) sizes the trend's two windows."""
    n = len(h.customer_ids)
    seen = h.order_at <= cutoff
    owner, at, total = h.order_owner[seen], h.order_at[seen], h.order_total[seen]
    count = _sum(owner, None, n)
    people = np.flatnonzero(count > 0)
    spent = _sum(owner, total, n)
    last = np.full(n, -np.inf)
    np.maximum.at(last, owner, at)
    first = np.full(n, np.inf)
    np.minimum.at(first, owner, at)
    window = window_days * DAY
    recent = _sum(owner, np.where(at > cutoff - window, total, 0.0), n)
    earlier = _sum(
        owner, np.where((at > cutoff - 2 * window) & (at <= cutoff - window), total, 0.0), n
    )
    asked = h.ticket_at <= cutoff
    t_owner = h.ticket_owner[asked]
    tickets = _sum(t_owner, None, n)
    complaints = _sum(t_owner, h.ticket_complaint[asked], n)
    scored = asked & ~np.isnan(h.ticket_sentiment)
    sentiment_sum = _sum(h.ticket_owner[scored], h.ticket_sentiment[scored], n)
    sentiment_n = _sum(h.ticket_owner[scored], None, n)

    c, f, m = count[people], first[people], spent[people]
    recency = (cutoff - last[people]) / DAY
    tenure = (cutoff - f) / DAY
    span = (last[people] - f) / DAY
    gaps = np.where(c > 1, span / np.maximum(c - 1, 1), tenure)
    r_, e_ = recent[people], earlier[people]
    trend = np.where(r_ + e_ > 0, (r_ - e_) / np.maximum(r_ + e_, 1e-9), 0.0)
    k = tickets[people]
    share = np.where(k > 0, complaints[people] / np.maximum(k, 1), 0.0)
    sn = sentiment_n[people]
    mood = np.where(sn > 0, sentiment_sum[people] / np.maximum(sn, 1), 0.0)
    rfm = (
        quintile_scores(recency, higher_is_better=False) + quintile_scores(c) + quintile_scores(m)
    ).astype(np.float64)
    matrix = np.column_stack([recency, c, m, tenure, gaps, trend, k, share, mood, rfm])
    return people, matrix


def bought_in(h: Histories, start: float, end: float) -> NDArray[np.bool_]:
    """Per customer: did they place a revenue order in ``(start, end]``?"""
    inside = (h.order_at > start) & (h.order_at <= end)
    hits: NDArray[np.bool_] = _sum(h.order_owner[inside], None, len(h.customer_ids)) > 0
    return hits


def labels(
    h: Histories, people: NDArray[np.int64], cutoff: float, horizon_days: float, churn: bool
) -> NDArray[np.int64]:
    """1 where the target happened in the horizon after ``cutoff``, for ``people``."""
    bought = bought_in(h, cutoff, cutoff + horizon_days * DAY)[people]
    result: NDArray[np.int64] = (~bought if churn else bought).astype(np.int64)
    return result
