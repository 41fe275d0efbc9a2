"""The customer enums as GraphQL shows them."""

from __future__ import annotations

import strawberry

from app.customers.models import LifecycleStage

strawberry.enum(LifecycleStage, description="Where a customer stands in the sales funnel.")

__all__ = ["LifecycleStage"]
