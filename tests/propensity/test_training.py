"""Training at a realistic size (2,000 customers, about 20,000 orders) on the pure functions:
the planted signal is found, every learner is judged, the baselines lose where the signal is
not recency, and labels never look past their horizon."""

from __future__ import annotations

import numpy as np
import pytest

from app.propensity.features import DAY, NAMES, bought_in, features_at, histories
from app.propensity.models import PropensityModel, PropensityTarget
from app.propensity.training import InsufficientData, ranks, train
from tests.propensity.history import AS_OF, grouped, simulate


@pytest.fixture(scope="module")
def history():  # type: ignore[no-untyped-def]
    _, orders, tickets = simulate(2_000)
    assert len(orders) > 18_000
    order_rows, ticket_rows = grouped(orders, tickets)
    return histories(order_rows, ticket_rows, "USD")


@pytest.mark.parametrize("target", list(PropensityTarget))
def test_auto_beats_both_baselines_on_the_planted_signal(history, target) -> None:  # type: ignore[no-untyped-def]
    result = train(history, AS_OF.timestamp(), 60, target, PropensityModel.AUTO)
    summary = result.summary
    assert [c["model"] for c in summary["candidates"]] == [
        "DECISION_TREE", "SVM", "LOGISTIC", "GRADIENT_BOOSTING"
    ]  # fmt: skip
    assert summary["auc"] == max(c["auc"] for c in summary["candidates"])
    assert summary["auc"] > 0.75
    for baseline in summary["baselines"]:
        assert summary["auc"] > baseline["auc"] + 0.05
    assert summary["lift"] > 1.3
    assert {f["feature"] for f in summary["featureImportances"][:2]} & {
        "complaintShare",
        "sentiment",
    }
    assert len(result.customer_ids) == len(result.scores) == len(result.reasons)
    assert all(0.0 <= s <= 1.0 for s in result.scores)


def test_the_tree_speaks_in_rules_and_paths(history) -> None:  # type: ignore[no-untyped-def]
    result = train(
        history, AS_OF.timestamp(), 60, PropensityTarget.REPURCHASE, PropensityModel.DECISION_TREE
    )
    rules = result.summary["rules"]
    assert 2 <= len(rules) <= 8
    assert all("% buy again (n=" in rule for rule in rules)
    assert any(" and " in rule for rule in rules)
    reasons = result.reasons[0]
    assert 1 <= len(reasons) <= 3  # a depth-3 path
    assert {r["feature"] for r in reasons} <= set(NAMES)


def test_svm_on_a_sample_says_so(history, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from app.propensity import learners

    monkeypatch.setattr(learners, "SVM_SAMPLE", 500)
    result = train(history, AS_OF.timestamp(), 60, PropensityTarget.CHURN, PropensityModel.SVM)
    assert any("sample of 500" in note for note in result.summary["notes"])
    assert result.summary["auc"] > 0.7


def test_features_see_only_the_past_and_labels_only_the_horizon(history) -> None:  # type: ignore[no-untyped-def]
    cutoff = AS_OF.timestamp() - 120 * DAY
    people, x = features_at(history, cutoff, 60)
    assert (x[:, NAMES.index("recencyDays")] >= 0).all()
    seen = history.order_at <= cutoff
    counts = np.bincount(history.order_owner[seen], minlength=len(history.customer_ids))
    assert np.array_equal(x[:, NAMES.index("frequency")], counts[people])
    later = bought_in(history, cutoff, cutoff + 60 * DAY)
    inside = (history.order_at > cutoff) & (history.order_at <= cutoff + 60 * DAY)
    assert set(np.flatnonzero(later)) == set(history.order_owner[inside])


def test_one_sided_outcomes_are_insufficient_data_with_counts(history) -> None:  # type: ignore[no-untyped-def]
    _, orders, tickets = simulate(15)
    small = histories(*grouped(orders, tickets), "USD")
    with pytest.raises(InsufficientData, match=r"positives .* negatives among"):
        train(small, AS_OF.timestamp(), 60, PropensityTarget.CHURN, PropensityModel.LOGISTIC)


def test_ranks_and_percentiles() -> None:
    rank, percentile = ranks(np.array([0.2, 0.9, 0.5, 0.9]))
    assert rank.tolist() == [3, 0, 2, 1]
    assert percentile.tolist() == [25.0, 100.0, 50.0, 100.0]
