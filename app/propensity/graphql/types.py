"""Propensity models, a customer's score under one, and the training job's result."""

from __future__ import annotations

from datetime import datetime

import strawberry
from bson import ObjectId

from app.core.db import Document
from app.graphql.context import Info
from app.graphql.relay import Node, encode_id, register_node
from app.jobs.models import JobKind
from app.jobs.registry import result_of
from app.propensity.graphql import loaders
from app.propensity.graphql.enums import PropensityModel, PropensityTarget
from app.propensity.models import TYPE_NAME


@strawberry.type
class FeatureImportance:
    feature: str
    importance: float = strawberry.field(description="Its share of the model's importance.")


@strawberry.type(description="One learner's figures on the time split.")
class PropensityCandidate:
    model: PropensityModel
    auc: float
    lift_at_top_decile: float
    brier: float


@strawberry.type(description="A ranking without a model, judged on the same split.")
class PropensityBaseline:
    name: str = strawberry.field(description="RFM_SCORE or RECENCY.")
    auc: float
    lift_at_top_decile: float


@strawberry.type(
    description="A trained propensity model. Its figures are on the time split: fitted on "
    "features at asOf - 2·horizon, judged on customers' features at asOf - horizon against "
    "what they did by asOf."
)
class PropensityModelInfo(Node):
    id: strawberry.ID
    target: PropensityTarget
    horizon_days: int
    model: PropensityModel = strawberry.field(description="The learner chosen.")
    as_of: datetime
    created_at: datetime
    auc: float = strawberry.field(description="0.5 is a coin toss, 1 a perfect ranking.")
    lift_at_top_decile: float = strawberry.field(
        description="The positive rate of the top-scored 10% over the base rate."
    )
    brier: float = strawberry.field(description="Mean squared error of the probabilities.")
    feature_importances: list[FeatureImportance]
    rules: list[str] = strawberry.field(
        description="The tree's leaves as text, most likely first (for other learners, the "
        "leaves of a depth-3 surrogate tree of their scores)."
    )
    candidates: list[PropensityCandidate] = strawberry.field(
        description="Every learner trained (AUTO: all of them)."
    )
    baselines: list[PropensityBaseline]
    notes: list[str]
    customer_count: int = strawberry.field(description="Customers scored.")
    object_id: strawberry.Private[ObjectId]

    @classmethod
    def from_document(cls, doc: Document) -> PropensityModelInfo:
        return cls(
            id=encode_id(TYPE_NAME, doc["_id"]),
            object_id=doc["_id"],
            target=PropensityTarget(doc["target"]),
            horizon_days=doc["horizonDays"],
            model=PropensityModel(doc["model"]),
            as_of=doc["asOf"],
            created_at=doc["createdAt"],
            auc=doc["auc"],
            lift_at_top_decile=doc["lift"],
            brier=doc["brier"],
            feature_importances=[FeatureImportance(**f) for f in doc["featureImportances"]],
            rules=doc["rules"],
            candidates=[
                PropensityCandidate(
                    model=PropensityModel(c["model"]),
                    auc=c["auc"],
                    lift_at_top_decile=c["lift"],
                    brier=c["brier"],
                )
                for c in doc["candidates"]
            ],
            baselines=[
                PropensityBaseline(name=b["baseline"], auc=b["auc"], lift_at_top_decile=b["lift"])
                for b in doc["baselines"]
            ],
            notes=doc.get("notes", []),
            customer_count=doc["customerCount"],
        )

    @strawberry.field(description="Whether this is its target's active model (the newest).")
    async def active(self, info: Info) -> bool:
        current = await loaders.active(info, self.target)
        return current is not None and current["_id"] == self.object_id


register_node(TYPE_NAME, PropensityModelInfo.from_document, loaders.model)


@strawberry.type
class PropensityReason:
    feature: str
    value: float = strawberry.field(description="The customer's value of the feature.")
    effect: float = strawberry.field(
        description="How much it moves the score (positive: up). Trees: the change in the "
        "positive rate at that step of the path; linear models: coefficient x standardised "
        "value; gradient boosting: the change when the feature is set to its median."
    )


@strawberry.type(description="A customer's score under the target's active model.")
class CustomerPropensity:
    score: float = strawberry.field(description="The probability, 0 to 1.")
    percentile: float = strawberry.field(
        description="Percent of scored customers scoring at or below this one."
    )
    reasons: list[PropensityReason]
    model: PropensityModelInfo


async def customer_propensity(
    info: Info, customer_id: ObjectId, target: PropensityTarget
) -> CustomerPropensity | None:
    """Null when the target has no model yet or the customer had no orders by its asOf."""
    run = await loaders.active(info, target)
    if run is None:
        return None
    found = await loaders.score(info, run["_id"], customer_id)
    if found is None:
        return None
    return CustomerPropensity(
        score=found["score"],
        percentile=found["percentile"],
        reasons=[PropensityReason(**reason) for reason in found["reasons"]],
        model=PropensityModelInfo.from_document(run),
    )


@result_of(JobKind.PROPENSITY_TRAINING)
@strawberry.type(description="The result of a PROPENSITY_TRAINING job.")
class PropensityTrainingResult:
    model_id: strawberry.Private[ObjectId]

    @classmethod
    def from_document(cls, result: Document) -> PropensityTrainingResult:
        return cls(model_id=result["modelId"])

    @strawberry.field
    async def model(self, info: Info) -> PropensityModelInfo | None:
        document = await loaders.model(info, self.model_id)
        return PropensityModelInfo.from_document(document) if document else None
