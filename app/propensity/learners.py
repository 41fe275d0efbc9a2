"""The four learners, fitted and explained the same way (scikit-learn is imported inside the
functions: the API process never loads it).

- DECISION_TREE: depth 3, leaves of at least 2% of the rows (50 at least): readable rules,
  and reasons that are the customer's own path through the tree.
- LOGISTIC: standardised features, L2. Reasons: coefficient x standardised value.
- SVM: a linear SVM on standardised features, fitted on at most ``SVM_SAMPLE`` rows (a sample
  when larger, said in the model's notes), probabilities calibrated by Platt scaling (3-fold).
  Reasons: averaged coefficient x standardised value.
- GRADIENT_BOOSTING: HistGradientBoosting (shallow trees, small steps: the windows can be a
  few hundred customers). Reasons: occlusion (the score's change when the
  feature is set to its training median).
Non-tree models get their rules from a depth-3 surrogate tree fitted to their own scores.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import numpy as np
from numpy.typing import NDArray

from app.propensity.features import FEATURES, NAMES, Floats
from app.propensity.models import PropensityModel

SVM_SAMPLE = 20_000
IMPORTANCE_SAMPLE = 5_000
REASONS = 4
SEED = 7


@dataclass
class Fitted:
    """A fitted learner and what explains it."""

    kind: PropensityModel
    estimator: Any
    median: Floats
    notes: list[str] = field(default_factory=list)

    def predict(self, x: Floats) -> Floats:
        probabilities: Floats = self.estimator.predict_proba(x)[:, 1]
        return probabilities


def fit(kind: PropensityModel, x: Floats, y: NDArray[np.int64]) -> Fitted:
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import LinearSVC
    from sklearn.tree import DecisionTreeClassifier

    notes: list[str] = []
    if kind is PropensityModel.DECISION_TREE:
        leaf = max(50, int(0.02 * len(y)))
        estimator: Any = DecisionTreeClassifier(
            max_depth=3, min_samples_leaf=leaf, random_state=SEED
        )
    elif kind is PropensityModel.LOGISTIC:
        estimator = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    elif kind is PropensityModel.SVM:
        if len(y) > SVM_SAMPLE:
            chosen = np.random.default_rng(SEED).choice(len(y), SVM_SAMPLE, replace=False)
            notes.append(f"SVM fitted on a random sample of {SVM_SAMPLE:,} of {len(y):,} rows.")
            x, y = x[chosen], y[chosen]
        estimator = make_pipeline(
            StandardScaler(),
            CalibratedClassifierCV(LinearSVC(C=0.5), method="sigmoid", cv=3),
        )
    else:
        estimator = HistGradientBoostingClassifier(
            max_iter=150, learning_rate=0.05, max_depth=4, l2_regularization=1.0, random_state=SEED
        )
    estimator.fit(x, y)
    return Fitted(kind, estimator, np.median(x, axis=0), notes)


def _linear(model: Fitted) -> tuple[Floats, Floats, Floats]:
    """(coefficients on standardised features, means, scales) of a linear pipeline."""
    scaler, last = model.estimator[0], model.estimator[-1]
    if model.kind is PropensityModel.LOGISTIC:
        coef = last.coef_[0]
    else:
        coef = np.mean([c.estimator.coef_[0] for c in last.calibrated_classifiers_], axis=0)
    return np.asarray(coef, dtype=np.float64), scaler.mean_, scaler.scale_


def importances(model: Fitted, x: Floats, y: NDArray[np.int64]) -> list[dict[str, Any]]:
    """Per feature, its share of the model's importance (summing to 1)."""
    if model.kind is PropensityModel.DECISION_TREE:
        raw = np.asarray(model.estimator.feature_importances_, dtype=np.float64)
    elif model.kind in (PropensityModel.LOGISTIC, PropensityModel.SVM):
        raw = np.abs(_linear(model)[0])
    else:
        from sklearn.inspection import permutation_importance

        if len(y) > IMPORTANCE_SAMPLE:
            chosen = np.random.default_rng(SEED).choice(len(y), IMPORTANCE_SAMPLE, replace=False)
            x, y = x[chosen], y[chosen]
        found = permutation_importance(
            model.estimator, x, y, scoring="roc_auc", n_repeats=3, random_state=SEED
        )
        raw = np.clip(found.importances_mean, 0.0, None)
    total = float(raw.sum()) or 1.0
    ranked = sorted(zip(NAMES, raw / total, strict=True), key=lambda pair: -pair[1])
    return [{"feature": name, "importance": round(float(value), 4)} for name, value in ranked]


def reasons(model: Fitted, x: Floats) -> list[list[dict[str, Any]]]:
    """Per row, its top reasons: ``{feature, value, effect}``, the strongest first. ``effect``
    is signed: positive pushes the score up."""
    if model.kind is PropensityModel.DECISION_TREE:
        return _tree_reasons(model.estimator, x)
    if model.kind in (PropensityModel.LOGISTIC, PropensityModel.SVM):
        coef, mean, scale = _linear(model)
        effects = (x - mean) / scale * coef
    else:
        base = model.predict(x)
        effects = np.empty_like(x)
        for column in range(x.shape[1]):
            changed = x.copy()
            changed[:, column] = model.median[column]
            effects[:, column] = base - model.predict(changed)
    top = np.argsort(-np.abs(effects), axis=1)[:, :REASONS]
    return [
        [
            {
                "feature": NAMES[c],
                "value": float(x[row, c]),
                "effect": round(float(effects[row, c]), 4),
            }
            for c in top[row]
        ]
        for row in range(x.shape[0])
    ]


def _tree_reasons(tree: Any, x: Floats) -> list[list[dict[str, Any]]]:
    """A tree's reasons: the tests on the row's path, each with the change in positive rate it
    brought (the child's value minus the parent's)."""
    nodes = tree.tree_
    rate = nodes.value[:, 0, 1] / np.maximum(nodes.value[:, 0, :].sum(axis=1), 1e-12)
    paths = tree.decision_path(x)
    found = []
    for row in range(x.shape[0]):
        steps = list(paths.indices[paths.indptr[row] : paths.indptr[row + 1]])
        items: list[dict[str, Any]] = []
        for parent, child in pairwise(steps):
            feature = int(nodes.feature[parent])
            items.append(
                {
                    "feature": NAMES[feature],
                    "value": float(x[row, feature]),
                    "effect": round(float(rate[child] - rate[parent]), 4),
                }
            )
        items.sort(key=lambda item: -abs(float(item["effect"])))
        found.append(items[:REASONS])
    return found


def rules(model: Fitted, x: Floats, outcome: str) -> list[str]:
    """The tree's leaves as text, most likely first: "days since last order > 120 and
    orders <= 1: 8% buy again (n=412)". Other models: a surrogate tree of their scores."""
    from sklearn.tree import DecisionTreeRegressor

    if model.kind is PropensityModel.DECISION_TREE:
        tree = model.estimator
        nodes = tree.tree_
        values = nodes.value[:, 0, 1] / np.maximum(nodes.value[:, 0, :].sum(axis=1), 1e-12)
    else:
        leaf = max(50, int(0.02 * x.shape[0]))
        tree = DecisionTreeRegressor(max_depth=3, min_samples_leaf=leaf, random_state=SEED)
        tree.fit(x, model.predict(x))
        nodes = tree.tree_
        values = nodes.value[:, 0, 0]
    texts: list[tuple[float, str]] = []

    def walk(node: int, conditions: list[str]) -> None:
        if nodes.children_left[node] == -1:
            where = " and ".join(conditions) or "everyone"
            share = f"{values[node]:.0%}"
            texts.append(
                (values[node], f"{where}: {share} {outcome} (n={int(nodes.n_node_samples[node])})")
            )
            return
        word = FEATURES[int(nodes.feature[node])][1]
        threshold = _round(float(nodes.threshold[node]))
        walk(int(nodes.children_left[node]), [*conditions, f"{word} <= {threshold}"])
        walk(int(nodes.children_right[node]), [*conditions, f"{word} > {threshold}"])

    walk(0, [])
    return [text for _, text in sorted(texts, key=lambda pair: -pair[0])]


def _round(value: float) -> str:
    return f"{value:.0f}" if abs(value) >= 10 else f"{value:.2f}"
