"""Propensity documents: model runs (one per training job) and customers' scores in them."""

from __future__ import annotations

from enum import Enum

from bson import ObjectId

TYPE_NAME = "PropensityModelInfo"
MIN_HORIZON_DAYS, MAX_HORIZON_DAYS = 7, 365


class PropensityTarget(Enum):
    """REPURCHASE: a customer who has bought places at least one revenue order in the
    horizon after the cut-off. CHURN: such a customer places none (the complement)."""

    REPURCHASE = "REPURCHASE"
    CHURN = "CHURN"


class PropensityModel(Enum):
    AUTO = "AUTO"
    DECISION_TREE = "DECISION_TREE"
    SVM = "SVM"
    LOGISTIC = "LOGISTIC"
    GRADIENT_BOOSTING = "GRADIENT_BOOSTING"


LEARNERS = tuple(m for m in PropensityModel if m is not PropensityModel.AUTO)


def score_id(run_id: ObjectId, customer_id: ObjectId) -> str:
    """One score per model run and customer (a repeated write finds its document there)."""
    return f"{run_id}:{customer_id}"
