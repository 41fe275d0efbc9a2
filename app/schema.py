"""The GraphQL schema, assembled from the domains: their queries and mutations, the union of
their job results, Relay's ``node``/``nodes``; and the job handlers they register.

This module (with the CLI and the ASGI app above it) is the only one that knows every domain.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Annotated, Any, Union

import strawberry
from graphql import GraphQLError
from strawberry.types.execution import ExecutionContext

# The domains' job handlers register themselves with the job registry on import.
import app.backup.jobs
import app.campaigns.jobs
import app.exports.jobs
import app.forecasting.jobs
import app.imports.jobs
import app.propensity.jobs
import app.segmentation.jobs
import app.tagging.jobs  # noqa: F401
from app.audit.graphql.queries import AuditQuery
from app.auth.graphql.mutations import AuthMutation
from app.auth.graphql.queries import AuthQuery
from app.auth.graphql.types import ApiKey
from app.backup.graphql.mutations import BackupMutation
from app.campaigns.graphql.mutations import CampaignMutation
from app.campaigns.graphql.queries import CampaignQuery
from app.campaigns.graphql.types import Campaign
from app.core.settings import Settings
from app.customers.graphql.mutations import CustomerMutation
from app.customers.graphql.queries import CustomerQuery
from app.customers.graphql.types import Customer
from app.exports.graphql.mutations import ExportMutation
from app.exports.graphql.types import ExportResult
from app.forecasting.graphql.mutations import ForecastMutation
from app.forecasting.graphql.queries import ForecastQuery
from app.forecasting.graphql.types import SalesForecast
from app.graphql.context import Info
from app.graphql.errors import client_error
from app.graphql.execution import Executor
from app.graphql.limits import is_unexpected, protective_extensions
from app.graphql.permissions import ANYONE, allow, customer_of
from app.graphql.relay import Node, resolve_node
from app.imports.graphql.mutations import ImportMutation
from app.imports.graphql.types import ImportResult
from app.inventory.graphql.mutations import InventoryMutation
from app.inventory.graphql.queries import InventoryQuery
from app.inventory.graphql.types import Fulfilment, StockMove, Warehouse
from app.jobs.graphql.mutations import JobMutation
from app.jobs.graphql.queries import JobQuery, JobSubscription
from app.jobs.graphql.types import Job
from app.jobs.registry import HANDLERS, RESULT_TYPES
from app.knowledge.graphql.mutations import KnowledgeMutation
from app.knowledge.graphql.queries import KnowledgeQuery
from app.knowledge.graphql.types import Article
from app.orders.graphql.mutations import OrderMutation
from app.orders.graphql.queries import OrderQuery
from app.orders.graphql.types import Order
from app.privacy.graphql.mutations import PrivacyMutation
from app.products.graphql.mutations import ProductMutation
from app.products.graphql.queries import ProductQuery
from app.products.graphql.types import Product
from app.propensity.graphql.mutations import PropensityMutation
from app.propensity.graphql.queries import PropensityQuery
from app.propensity.graphql.types import PropensityModelInfo
from app.reporting.graphql.queries import ReportQuery
from app.segmentation.graphql.mutations import SegmentationMutation
from app.segmentation.graphql.queries import SegmentationQuery
from app.segmentation.graphql.types import SegmentationRun
from app.tagging.graphql.mutations import TaggingMutation
from app.tagging.graphql.queries import TaggingQuery
from app.tagging.graphql.types import Tag, TaggerModel
from app.tickets.graphql.mutations import TicketMutation
from app.tickets.graphql.queries import TicketQuery
from app.tickets.graphql.types import Ticket
from app.webhooks.graphql.mutations import WebhookMutation
from app.webhooks.graphql.queries import WebhookQuery
from app.workflow.graphql.mutations import WorkflowMutation
from app.workflow.graphql.queries import WorkflowQuery
from app.workflow.graphql.sla_types import BusinessHours, SlaPolicy
from app.workflow.graphql.surveys import SurveyMutation, SurveyQuery
from app.workflow.graphql.types import Agent, Rule, RuleRun, Task, Team

log = logging.getLogger(__name__)

MAX_NODES = 100
__all__ = ["HANDLERS", "ExportResult", "ImportResult", "JobResult", "create_schema"]

# Job.result's type (app.jobs.graphql.types names it lazily): each domain's registered result.
JobResult: Any = Annotated[
    Union[tuple(RESULT_TYPES)],  # noqa: UP007 - a union built from a tuple of types
    strawberry.union("JobResult", description="Per kind."),
]


@strawberry.type
class Query(
    CustomerQuery,
    ProductQuery,
    OrderQuery,
    TicketQuery,
    JobQuery,
    SegmentationQuery,
    TaggingQuery,
    InventoryQuery,
    ForecastQuery,
    PropensityQuery,
    WorkflowQuery,
    KnowledgeQuery,
    SurveyQuery,
    CampaignQuery,
    ReportQuery,
    AuthQuery,
    AuditQuery,
    WebhookQuery,
):
    @strawberry.field(
        description="Any object by its global ID; null if it does not exist (for a customer, "
        "also if it is not theirs: their record, orders and tickets only).",
        extensions=[allow(ANYONE)],
    )
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        customer = customer_of(await info.context.require_principal())
        node: Node | None = await resolve_node(info, id, customer=customer)
        return node

    @strawberry.field(
        description=f"Objects by global ID, in order; at most {MAX_NODES}. Null as in `node`.",
        extensions=[allow(ANYONE)],
    )
    async def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[Node | None]:
        if len(ids) > MAX_NODES:
            raise client_error(f"nodes takes at most {MAX_NODES} IDs.", "OUT_OF_RANGE")
        customer = customer_of(await info.context.require_principal())
        found = (resolve_node(info, global_id, customer=customer) for global_id in ids)
        return list(await asyncio.gather(*found))


@strawberry.type
class Mutation(
    CustomerMutation,
    ProductMutation,
    OrderMutation,
    InventoryMutation,
    TicketMutation,
    WorkflowMutation,
    KnowledgeMutation,
    SurveyMutation,
    CampaignMutation,
    JobMutation,
    SegmentationMutation,
    ForecastMutation,
    PropensityMutation,
    TaggingMutation,
    ImportMutation,
    ExportMutation,
    AuthMutation,
    WebhookMutation,
    BackupMutation,
    PrivacyMutation,
):
    pass


@strawberry.type
class Subscription(JobSubscription):
    pass


class Schema(strawberry.Schema):
    """Logs what needs a look (bugs, outages) at ERROR; refused input only at DEBUG."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        unexpected = [error for error in errors if is_unexpected(error)]
        super().process_errors(unexpected, execution_context)
        for error in errors:
            if not is_unexpected(error):
                log.debug("refused: %s", error.message)


# Node implementations, listed so that each is in the schema even where no field names it.
NODE_TYPES: list[Any] = [
    Customer, Product, Order, Ticket, ApiKey, Job, SegmentationRun, Tag, TaggerModel,
    Warehouse, StockMove, Fulfilment, SalesForecast, Agent, Team, Rule, RuleRun, BusinessHours,
    SlaPolicy, Task, Article, Campaign, PropensityModelInfo,
]  # fmt: skip


def create_schema(settings: Settings) -> strawberry.Schema:
    return Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=NODE_TYPES,
        extensions=protective_extensions(settings),
        execution_context_class=Executor,
    )
