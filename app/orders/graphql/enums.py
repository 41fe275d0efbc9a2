"""The order enums as GraphQL shows them."""

from __future__ import annotations

import strawberry

from app.orders.models import OrderStatus

strawberry.enum(OrderStatus, description="Where an order stands.")

__all__ = ["OrderStatus"]
