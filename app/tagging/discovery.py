"""Topic discovery: cluster feedback the taxonomy fits poorly and describe each cluster.

English is read as words (stop words dropped), Chinese as character bigrams, in one TF-IDF
space; k-means picks the number of clusters by silhouette. Each cluster is described by its
top terms per language and the tickets closest to its centre.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
from threadpoolctl import threadpool_limits

from app.tagging.text import CJK, model_text

# scikit-learn is imported where it clusters: importing it costs every process
# (CLI commands, the API until a job runs) over a second of start-up.
ENGLISH_WORD = re.compile(r"[a-z][a-z'\-]{2,}")
CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
EXTRA_STOP = frozenset(
    """please hi hello thanks thank order orders ordered just got get want would could can
    it's i'm i've i'd don't didn't doesn't can't won't still also really one two""".split()  # noqa: SIM905
)
CHINESE_STOP = frozenset("的了是我你他她们这那就都也还在有和吗呢吧啊很请一个不没到给要可以")
MIN_DOCUMENTS, MIN_CLUSTER, MAX_CLUSTERS = 6, 3, 8
TOP_TERMS, EXAMPLES = 8, 5


@cache
def stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    words: frozenset[str] = ENGLISH_STOP_WORDS | EXTRA_STOP
    return words


def terms(text: str) -> list[str]:
    normal = model_text(text)
    stop = stop_words()
    words = [w for w in ENGLISH_WORD.findall(normal) if w not in stop]
    bigrams = [
        run[i : i + 2]
        for run in CJK_RUN.findall(normal)
        for i in range(len(run) - 1)
        if not (run[i] in CHINESE_STOP or run[i + 1] in CHINESE_STOP)
    ]
    return words + bigrams


@dataclass(frozen=True)
class Cluster:
    size: int
    terms: dict[str, list[str]]  # language -> top terms
    examples: list[int]  # indices into the input, closest to the centre first
    cohesion: float


def discover(texts: Sequence[str], seed: int = 0) -> list[Cluster]:
    """Clusters of at least three texts, largest first (CPU-heavy: run off the loop)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    if len(texts) < MIN_DOCUMENTS:
        return []
    vectorizer = TfidfVectorizer(analyzer=terms, min_df=2, max_df=0.6, sublinear_tf=True)
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:  # no term appears twice
        return []
    keep = np.flatnonzero(matrix.getnnz(axis=1) > 0)
    if len(keep) < MIN_DOCUMENTS:
        return []
    matrix = matrix[keep]
    vocabulary = vectorizer.get_feature_names_out()
    with threadpool_limits(1):
        labels, centres = _cluster(matrix, seed)
    clusters = []
    for label in range(centres.shape[0]):
        members = np.flatnonzero(labels == label)
        if len(members) < MIN_CLUSTER:
            continue
        centre = centres[label]
        order = np.argsort(-centre)
        by_language: dict[str, list[str]] = {"en": [], "zh": []}
        for j in order:
            if centre[j] <= 0:
                break
            term = str(vocabulary[j])
            language = "zh" if CJK.match(term) else "en"
            if len(by_language[language]) < TOP_TERMS * 3:
                by_language[language].append(term)
        zh = by_language["zh"]
        by_language = {
            "en": by_language["en"][:TOP_TERMS],
            "zh": [t for t in zh if not _bridges(t, zh)][:TOP_TERMS],
        }
        similarity = np.asarray(matrix[members] @ centre).ravel()
        closest = members[np.argsort(-similarity)][:EXAMPLES]
        clusters.append(
            Cluster(
                size=len(members),
                terms=by_language,
                examples=[int(keep[i]) for i in closest],
                cohesion=float(similarity.mean()),
            )
        )
    clusters.sort(key=lambda c: (-c.size, -c.cohesion))
    return clusters


def _bridges(bigram: str, terms: list[str]) -> bool:
    """A bigram straddling two other top terms ("品包" between "礼品" and "包装") is noise."""
    others = [t for t in terms if t != bigram]
    return any(t.endswith(bigram[0]) for t in others) and any(
        t.startswith(bigram[1]) for t in others
    )


def _cluster(matrix: object, seed: int) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    rows = matrix.shape[0]  # type: ignore[attr-defined]
    best: tuple[float, np.ndarray, np.ndarray] | None = None
    for k in range(2, min(MAX_CLUSTERS, rows // MIN_CLUSTER) + 1):
        model = KMeans(n_clusters=k, n_init=4, random_state=seed).fit(matrix)
        if len(set(model.labels_)) < 2:
            continue
        score = float(silhouette_score(matrix, model.labels_, metric="cosine"))
        if best is None or score > best[0]:
            best = (score, model.labels_, model.cluster_centers_)
    if best is None:
        return np.zeros(rows, dtype=int), np.asarray(matrix.mean(axis=0))  # type: ignore[attr-defined]
    return best[1], best[2]


def suggested_name(cluster: Cluster) -> str:
    """A tag-name-shaped suggestion from the top English terms ("new-topic" without any)."""
    words = [re.sub(r"[^a-z0-9]+", "-", t).strip("-") for t in cluster.terms["en"][:2]]
    words = [w for w in words if w]
    if words:
        return "-".join(words)[:40]
    return "new-topic"
