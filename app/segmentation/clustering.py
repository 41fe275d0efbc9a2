"""Segments from customer features: log-scaled KMeans, ranked by value, labelled and described
from their centroids. Pure CPU work: callers run it off the event loop."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from threadpoolctl import threadpool_limits

from app.core.money import from_minor
from app.segmentation.rfm import rfm_table

# scikit-learn is imported where a model is fitted: importing it costs every process (CLI
# commands, the API until a job runs) over a second of start-up.

FEATURES = ("recency", "frequency", "monetary", "tenure", "aov")
K_RANGE = range(2, 9)
SILHOUETTE_SAMPLE = 4000
SEED = 0
NO_ORDERS = "no-orders"


@dataclass
class Features:
    """Per-customer features in original units; money in minor units."""

    customer_ids: list[object]
    recency: NDArray[np.float64]  # days since the last order
    frequency: NDArray[np.float64]  # orders
    monetary: NDArray[np.float64]  # total spent
    tenure: NDArray[np.float64]  # days since the first order

    @property
    def aov(self) -> NDArray[np.float64]:
        result: NDArray[np.float64] = self.monetary / np.maximum(self.frequency, 1)
        return result

    def matrix(self, names: tuple[str, ...]) -> NDArray[np.float64]:
        return np.column_stack([getattr(self, name) for name in names]).astype(np.float64)


@dataclass
class Segment:
    key: str
    label: str
    rank: int
    size: int
    description: str
    recency: float
    frequency: float
    monetary: float


@dataclass
class Segmentation:
    k: int
    silhouette: float | None
    segments: list[Segment]
    labels: NDArray[np.int64]  # segment index per customer with orders
    r: NDArray[np.int64]
    f: NDArray[np.int64]
    m: NDArray[np.int64]
    groups: list[str]


def choose_k(scaled: NDArray[np.float64]) -> tuple[int, float | None]:
    """k with the best silhouette on a fixed sample (deterministic)."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    n = scaled.shape[0]
    if n < 3:
        return 1, None
    rng = np.random.default_rng(SEED)
    sample = scaled[rng.choice(n, size=min(n, SILHOUETTE_SAMPLE), replace=False)]
    best: tuple[int, float] | None = None
    for k in K_RANGE:
        if k >= sample.shape[0]:
            break
        labels = KMeans(n_clusters=k, n_init=3, random_state=SEED).fit_predict(sample)
        if len(set(labels)) < 2:
            continue
        score = float(silhouette_score(sample, labels))
        if best is None or score > best[1]:
            best = (k, score)
    return best if best is not None else (1, None)


def _orders(count: float) -> str:
    return "1 order" if count == 1 else f"{count:.0f} orders"


def money_text(minor: float, currency: str) -> str:
    """An amount of minor units as a description shows it, in whole units of its currency."""
    return f"{from_minor(round(minor), currency):,.0f} {currency}"


def _label(
    recency: float,
    frequency: float,
    monetary: float,
    medians: dict[str, float],
    p75: dict[str, float],
) -> str:
    if recency <= medians["recency"] * 0.6:
        when = "Active"
    elif recency <= medians["recency"] * 1.4:
        when = "Cooling"
    else:
        when = "Lapsed"
    if frequency < 1.5:
        who = "one-off buyers"
    elif monetary >= p75["monetary"]:
        who = "big spenders"
    elif monetary >= medians["monetary"]:
        who = "steady spenders"
    elif monetary >= p75["monetary_low"]:
        who = "small spenders"
    else:
        who = "low spenders"
    return f"{when} {who}"


ADVICE = {
    "Active": "keep them close with early access and loyalty rewards",
    "Cooling": "nudge them with a timely reminder or a personal offer",
    "Lapsed": "try a win-back offer before they are gone for good",
}


def scaled_matrix(features: Features, names: tuple[str, ...] = FEATURES) -> NDArray[np.float64]:
    """Log-transformed, standardised features: spend and counts are heavy-tailed."""
    from sklearn.preprocessing import StandardScaler

    scaled: NDArray[np.float64] = StandardScaler().fit_transform(np.log1p(features.matrix(names)))
    return scaled


def fit_clusters(
    scaled: NDArray[np.float64], k: int | None
) -> tuple[int, NDArray[np.int64], float | None]:
    """KMeans labels with the given k, or the k the silhouette prefers; deterministic."""
    from sklearn.cluster import KMeans

    silhouette = None
    if k is None:
        k, silhouette = choose_k(scaled)
    # Fewer buyers than segments asked for: as many segments as the silhouette can judge.
    k = max(1, min(k, scaled.shape[0] - 1))
    model = KMeans(n_clusters=k, n_init=4, random_state=SEED)
    labels: NDArray[np.int64] = model.fit_predict(scaled).astype(np.int64)
    return k, labels, silhouette


def sample_silhouette(scaled: NDArray[np.float64], labels: NDArray[np.int64]) -> float | None:
    """The silhouette of a fit, on the same fixed sample size choose_k uses."""
    from sklearn.metrics import silhouette_score

    rng = np.random.default_rng(SEED)
    size = min(scaled.shape[0], SILHOUETTE_SAMPLE)
    idx = rng.choice(scaled.shape[0], size=size, replace=False)
    if not 2 <= len(set(labels[idx])) < size:
        return None
    return float(silhouette_score(scaled[idx], labels[idx]))


def segment(
    features: Features, k: int | None, currency: str, names: tuple[str, ...] = FEATURES
) -> Segmentation:
    """Cluster customers who have ordered on the ``names`` features; rank segments by average
    spend (1 = most valuable)."""
    with threadpool_limits(limits=1):
        r, f, m, groups = rfm_table(features.recency, features.frequency, features.monetary)
        scaled = scaled_matrix(features, names)
        k, labels, silhouette = fit_clusters(scaled, k)
        if silhouette is None and k > 1:
            silhouette = sample_silhouette(scaled, labels)
    return describe(features, k, labels, silhouette, (r, f, m, groups), currency)


def describe(
    features: Features,
    k: int,
    labels: NDArray[np.int64],
    silhouette: float | None,
    rfm: tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], list[str]],
    currency: str,
) -> Segmentation:
    """Rank, label and describe the clusters from their centroids in original units."""
    r, f, m, groups = rfm
    medians = {
        name: float(np.median(getattr(features, name)))
        for name in ("recency", "frequency", "monetary")
    }
    p75 = {
        "monetary": float(np.percentile(features.monetary, 75)),
        # The bottom quarter of spend: below it a segment is "low spenders".
        "monetary_low": float(np.percentile(features.monetary, 25)),
    }
    stats = []
    for index in range(k):
        members = labels == index
        stats.append(
            (
                index,
                int(members.sum()),
                float(features.recency[members].mean()),
                float(features.frequency[members].mean()),
                float(features.monetary[members].mean()),
            )
        )
    # Rank by value: average spend, then recency as the tie-breaker.
    order = sorted(stats, key=lambda s: (-s[4], s[2]))
    rank_of = {index: rank for rank, (index, *_rest) in enumerate(order, start=1)}
    remap = np.array([rank_of[i] - 1 for i in range(k)], dtype=np.int64)
    segments = []
    seen: dict[str, int] = {}
    for index, size, recency, frequency, monetary in order:
        label = _label(recency, frequency, monetary, medians, p75)
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:
            label = f"{label} ({seen[label]})"
        when = label.split()[0]
        description = (
            f"{size:,} customers who last ordered about {recency:.0f} days ago, placed "
            f"{frequency:.1f} orders and spent {money_text(monetary, currency)} on average: "
            f"{ADVICE[when]}."
        )
        segments.append(
            Segment(
                key=f"s{rank_of[index]}",
                label=label,
                rank=rank_of[index],
                size=size,
                description=description,
                recency=recency,
                frequency=frequency,
                monetary=monetary,
            )
        )
    return Segmentation(k, silhouette, segments, remap[labels], r, f, m, groups)


def explain(features: Features, index: int, result: Segmentation, currency: str) -> str:
    """Why one customer sits where they do, in a sentence."""
    seg = result.segments[int(result.labels[index])]
    recency = features.recency[index]
    frequency = features.frequency[index]
    monetary = features.monetary[index]
    return (
        f"Last ordered {recency:.0f} days ago (R{result.r[index]}), {_orders(frequency)} "
        f"(F{result.f[index]}), {money_text(monetary, currency)} spent (M{result.m[index]}): "
        f"{result.groups[index]}; closest to '{seg.label}' (rank {seg.rank}), whose customers "
        f"average {seg.recency:.0f} days, {seg.frequency:.1f} orders and "
        f"{money_text(seg.monetary, currency)}."
    )
