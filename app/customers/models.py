"""Customer documents and the values they hold."""

from __future__ import annotations

from enum import Enum

ADDRESS_FIELDS = ("line1", "line2", "city", "region", "postal_code", "country")
# Stored keys follow the API's camelCase, so documents read the same in mongosh and GraphQL.
ADDRESS_KEYS = {"postal_code": "postalCode"}


class LifecycleStage(Enum):
    """Where a customer stands in the sales funnel."""

    LEAD = "LEAD"
    PROSPECT = "PROSPECT"
    CUSTOMER = "CUSTOMER"
    CHURNED = "CHURNED"
