"""Customer filters, sort orders and mutation inputs."""

from __future__ import annotations

from typing import Any

import strawberry

from app.customers.graphql.enums import LifecycleStage
from app.graphql.inputs import DateTimeFilter, QueryBuilder, StringFilter, TagFilter, sort_order
from app.graphql.mutations import provided
from app.propensity.graphql.inputs import PropensityFilter
from app.segmentation.graphql.inputs import SegmentFilter

CustomerOrderBy = sort_order(
    "Customer",
    "customers",
    CREATED_AT="createdAt",
    UPDATED_AT="updatedAt",
    NAME="name",
    EMAIL="email",
)


@strawberry.input
class AddressInput:
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None


@strawberry.input(description="Filters on customers; all given conditions must hold.")
class CustomerFilter:
    lifecycle_stage: list[LifecycleStage] | None = None
    tags: TagFilter | None = None
    name: StringFilter | None = None
    email: StringFilter | None = None
    company: StringFilter | None = None
    created_at: DateTimeFilter | None = None
    include_archived: bool = strawberry.field(
        default=False, description="Archived customers are left out unless this is true."
    )
    segment: SegmentFilter | None = strawberry.field(
        default=None, description="Customers of given segments or RFM groups of a run."
    )
    propensity: PropensityFilter | None = strawberry.field(
        default=None,
        description="Customers scored by a target's active propensity model (not with segment).",
    )

    def to_query(self) -> dict[str, Any]:
        """The conditions on customers' own fields (``segment`` and ``propensity`` are lists
        of their own: ``app.customers.graphql.audience``)."""
        query = QueryBuilder()
        query.one_of("lifecycleStage", self.lifecycle_stage, "lifecycleStage")
        query.tags("tags", None, self.tags, "tags")
        query.string("name", self.name, "name")
        query.string("email", self.email, "email")
        query.string("company", self.company, "company")
        query.times("createdAt", self.created_at)
        if not self.include_archived:
            query.add("archivedAt", None)
        return query.build()


@strawberry.input
class CreateCustomerInput:
    name: str
    email: str
    phone: str | None = None
    company: str | None = None
    address: AddressInput | None = None
    tags: list[str] | None = None
    lifecycle_stage: LifecycleStage | None = None


@strawberry.input(description="Only the fields given are changed; null clears optional ones.")
class UpdateCustomerInput:
    name: str | None = strawberry.UNSET
    email: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    company: str | None = strawberry.UNSET
    address: AddressInput | None = strawberry.UNSET
    tags: list[str] | None = strawberry.UNSET
    lifecycle_stage: LifecycleStage | None = strawberry.UNSET


INPUT_FIELDS = ("name", "email", "phone", "company", "address", "tags", "lifecycle_stage")


def customer_values(input_object: CreateCustomerInput | UpdateCustomerInput) -> dict[str, Any]:
    """The fields the client sent, as the service takes them."""
    values = provided(input_object, *INPUT_FIELDS)
    if values.get("address") is not None:
        values["address"] = vars(values["address"])
    return values
