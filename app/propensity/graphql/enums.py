"""The propensity enums as GraphQL shows them."""

from __future__ import annotations

import strawberry

from app.propensity.models import PropensityModel, PropensityTarget

strawberry.enum(
    PropensityTarget,
    description="REPURCHASE: a customer who has bought orders again within the horizon. "
    "CHURN: such a customer places no order within it.",
)
strawberry.enum(
    PropensityModel,
    description="The learner; AUTO trains every one, compares them on the time split and "
    "keeps the best by AUC.",
)

__all__ = ["PropensityModel", "PropensityTarget"]
