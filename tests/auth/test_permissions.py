"""One permissions table, checked against every root field: declared, and enforced for every
role and for a caller without credentials."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
import strawberry
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    Undefined,
    get_named_type,
    is_composite_type,
)

from app.auth.roles import Role
from app.graphql.permissions import declared_roles
from tests.conftest import GraphQLClient

A, M, G, N, C = Role.ADMIN, Role.MANAGER, Role.AGENT, Role.ANALYST, Role.CUSTOMER
EVERYONE = frozenset({A, M, G, N})  # staff; a customer has their own fields (customer_view.py)
ANYONE = EVERYONE | {C}
CRM_WRITE = frozenset({A, M})
TICKET_WRITE = frozenset({A, M, G})
ADMIN = frozenset({A})

PERMISSIONS: dict[tuple[str, str], frozenset[Role]] = {
    **{
        ("Query", name): EVERYONE
        for name in (
            "customer", "customers", "product", "products", "order",
            "orderByNumber", "orders", "ticket", "ticketByNumber", "tickets", "job", "jobs",
            "segmentationRun", "segmentationRuns", "latestSegmentation",
            "salesForecast", "salesForecasts", "latestSalesForecast",
            "tags", "taggerModels", "feedbackSummary", "warehouses", "stockLevels",
            "inventoryValuation", "reorderSuggestions", "agents", "teams", "rules", "ruleRuns",
            "businessHours", "slaPolicies", "tasks",
        )
    },
    **{("Query", name): ANYONE for name in ("viewer", "node", "nodes")},
    ("Query", "myOrders"): frozenset({C}),  # a customer's own lists; staff have none
    ("Query", "myTickets"): frozenset({C}),
    ("Query", "stockMoves"): TICKET_WRITE,  # the ledger and the queue: not for analysts
    ("Query", "fulfilments"): TICKET_WRITE,
    ("Subscription", "jobProgress"): EVERYONE,
    ("Query", "customerByEmail"): frozenset({A, M, G}),  # not analysts: emails are masked
    ("Query", "apiKeys"): ADMIN,
    ("Query", "auditLog"): ADMIN,
    ("Query", "webhookEndpoints"): ADMIN,
    ("Query", "webhookDeliveries"): ADMIN,
    ("Mutation", "createWebhookEndpoint"): ADMIN,
    ("Mutation", "updateWebhookEndpoint"): ADMIN,
    ("Mutation", "deleteWebhookEndpoint"): ADMIN,
    ("Mutation", "rotateWebhookSecret"): ADMIN,
    ("Mutation", "redeliverWebhook"): ADMIN,
    ("Mutation", "startBackup"): ADMIN,
    ("Mutation", "eraseCustomer"): ADMIN,
    ("Mutation", "exportCustomerData"): ADMIN,
    **{
        ("Mutation", name): CRM_WRITE
        for name in (
            "createCustomer", "updateCustomer", "archiveCustomer", "restoreCustomer",
            "createProduct", "updateProduct", "createOrder", "updateOrderStatus",
            "createTag", "updateTag", "archiveTag", "startTaggerTraining", "startFeedbackTagging",
            "createWarehouse", "receiveStock", "adjustStock", "transferStock", "setReorderRule",
            "setFulfilmentPriority", "createAgent", "updateAgent", "createTeam", "updateTeam",
            "createRule", "updateRule", "deleteRule", "reorderRules", "testRule",
            "createBusinessHours", "updateBusinessHours", "createSlaPolicy", "updateSlaPolicy",
        )
    },
    **{
        ("Mutation", name): TICKET_WRITE
        for name in (
            "updateTicket", "setTicketTags", "createTask", "updateTask",
            "completeTask", "claimNextFulfilment", "completeFulfilment", "holdFulfilment",
            "releaseFulfilment",
        )
    },
    ("Mutation", "createTicket"): TICKET_WRITE | {C},  # C: for themselves
    ("Mutation", "addTicketMessage"): TICKET_WRITE | {C},  # C: on their own tickets
    **{("Query", name): ANYONE for name in ("article", "articles", "suggestedArticles")},
    ("Mutation", "createArticle"): TICKET_WRITE,
    ("Mutation", "updateArticle"): TICKET_WRITE,
    ("Mutation", "publishArticle"): CRM_WRITE,
    ("Mutation", "archiveArticle"): CRM_WRITE,
    ("Mutation", "recordArticleView"): ANYONE,
    ("Mutation", "recordArticleFeedback"): TICKET_WRITE | {C},
    ("Mutation", "rateTicket"): TICKET_WRITE | {C},  # C: their own ticket; staff record it
    ("Mutation", "setSurveySettings"): CRM_WRITE,
    ("Query", "surveySettings"): EVERYONE,
    ("Query", "serviceMetrics"): frozenset({A, M, N}),
    ("Query", "complaintReport"): frozenset({A, M, N}),
    ("Mutation", "cancelJob"): CRM_WRITE,
    ("Mutation", "importData"): CRM_WRITE,
    ("Mutation", "startSegmentation"): frozenset({A, M, N}),
    ("Mutation", "startExport"): frozenset({A, M, N}),
    ("Mutation", "startSalesForecast"): frozenset({A, M, N}),
    ("Mutation", "startPropensityTraining"): frozenset({A, M, N}),
    ("Query", "propensityModel"): frozenset({A, M, N}),
    ("Query", "propensityModels"): frozenset({A, M, N}),
    ("Mutation", "startTopicDiscovery"): frozenset({A, M, N}),
    **{
        ("Query", name): EVERYONE
        for name in ("campaign", "campaigns", "campaignVariant", "campaignResults")
    },
    **{
        ("Mutation", name): frozenset({A, M, N})
        for name in (
            "createCampaign", "updateCampaign", "startCampaign", "stopCampaign",
            "completeCampaign", "assignCampaign", "recordCampaignEvents",
        )
    },
    ("Mutation", "createApiKey"): ADMIN,
    ("Mutation", "revokeApiKey"): ADMIN,
}  # fmt: skip

UNKNOWN_CUSTOMER = "Q3VzdG9tZXI6NjU0YjFjMmQzZTRmNWE2YjdjOGQ5ZTBm"
SCALARS = {
    "ID": f'"{UNKNOWN_CUSTOMER}"',
    "String": '"probe@example.com"',
    "Int": "1",
    "Float": "1.0",
    "Boolean": "true",
    "Decimal": '"1.00"',
    "DateTime": '"2025-01-01T00:00:00Z"',
    "Upload": '"not-a-file"',
}


def literal(type_: GraphQLInputType) -> str:
    """A valid literal for a required input of ``type_`` (required fields only)."""
    if isinstance(type_, GraphQLNonNull):
        return literal(type_.of_type)
    if isinstance(type_, GraphQLList):
        return f"[{literal(type_.of_type)}]"
    if isinstance(type_, GraphQLEnumType):
        return next(iter(type_.values))
    if isinstance(type_, GraphQLInputObjectType):
        fields = [
            f"{name}: {literal(field.type)}"
            for name, field in type_.fields.items()
            if isinstance(field.type, GraphQLNonNull) and field.default_value is Undefined
        ]
        return "{" + ", ".join(fields) + "}"
    assert isinstance(type_, GraphQLScalarType)
    return SCALARS[type_.name]


def operation(kind: str, name: str, field: GraphQLField) -> str:
    arguments = [
        f"{arg}: {literal(spec.type)}"
        for arg, spec in field.args.items()
        if isinstance(spec.type, GraphQLNonNull)
    ]
    call = f"{name}({', '.join(arguments)})" if arguments else name
    selection = " { __typename }" if is_composite_type(get_named_type(field.type)) else ""
    keyword = kind.lower()
    return f"{keyword} {{ {call}{selection} }}"


def root_fields(schema: strawberry.Schema) -> list[tuple[str, str, GraphQLField]]:
    graphql_schema = schema._schema
    roots = [
        graphql_schema.query_type,
        graphql_schema.mutation_type,
        graphql_schema.subscription_type,
    ]
    return [
        (root.name, name, field) for root in roots if root for name, field in root.fields.items()
    ]


def test_every_root_field_declares_the_permission_in_the_table(schema: strawberry.Schema) -> None:
    found = {}
    for kind, name, _ in root_fields(schema):
        definition = schema.get_type_by_name(kind)
        assert definition is not None
        to_graphql = schema.config.name_converter.get_graphql_name
        strawberry_field = next(f for f in definition.fields if to_graphql(f) == name)
        found[(kind, name)] = declared_roles(strawberry_field.extensions)
    undeclared = sorted(key for key, roles in found.items() if roles is None)
    assert undeclared == [], f"fields without a permission: {undeclared}"
    assert found == PERMISSIONS


ROLES: list[Role | None] = [*Role, None]


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value if r else "nobody")
async def test_every_root_field_is_enforced_for(
    role: Role | None,
    schema: strawberry.Schema,
    as_role: Callable[[Role | None], Awaitable[GraphQLClient]],
) -> None:
    client = await as_role(role)
    outcomes = {}
    for kind, name, field in root_fields(schema):
        if kind == "Subscription":
            result = await client.first_event(operation(kind, name, field))
        else:
            result = await client.execute(operation(kind, name, field))
        validation = [e for e in result.errors or [] if not e.path and not e.extensions]
        assert validation == [], (name, validation)  # the probe itself must be well formed
        codes = {(e.extensions or {}).get("code") for e in result.errors or []}
        if role is None:
            outcomes[(kind, name)] = "UNAUTHENTICATED" in codes
        else:
            allowed = not ({"FORBIDDEN", "UNAUTHENTICATED"} & codes)
            outcomes[(kind, name)] = allowed == (role in PERMISSIONS[(kind, name)])
    wrong = sorted(key for key, ok in outcomes.items() if not ok)
    assert wrong == [], f"{role}: outcome differs from the table for {wrong}"
