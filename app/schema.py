"""The GraphQL schema: every domain's queries and mutations, plus Relay's ``node``/``nodes``."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import strawberry
from bson import ObjectId
from graphql import GraphQLError
from strawberry.types.execution import ExecutionContext

from app.audit.graphql import AuditQuery
from app.auth.graphql import ApiKey, AuthMutation, AuthQuery, load_api_key
from app.core.settings import Settings
from app.customers.graphql import Customer, CustomerMutation, CustomerQuery, load_customer
from app.graphql.context import Info
from app.graphql.errors import client_error
from app.graphql.limits import is_unexpected, protective_extensions
from app.graphql.permissions import EVERYONE, allow
from app.graphql.relay import InvalidGlobalId, Node, parse_id
from app.imports.graphql import ImportMutation
from app.jobs.graphql import Job, JobMutation, JobQuery, JobSubscription, load_job
from app.orders.graphql import Order, OrderMutation, OrderQuery, load_order
from app.products.graphql import Product, ProductMutation, ProductQuery, load_product
from app.segmentation.graphql import (
    SegmentationMutation,
    SegmentationQuery,
    SegmentationRun,
    load_run,
)
from app.tagging.graphql import (
    Tag,
    TaggerModel,
    TaggingMutation,
    TaggingQuery,
    load_tag,
    load_tagger_model,
)
from app.tickets.graphql import Ticket, TicketMutation, TicketQuery, load_ticket

log = logging.getLogger(__name__)

MAX_NODES = 100

NODE_LOADERS: dict[str, Callable[[Info, ObjectId], Awaitable[Any]]] = {
    "Customer": load_customer,
    "Product": load_product,
    "Order": load_order,
    "Ticket": load_ticket,
    "ApiKey": load_api_key,
    "Job": load_job,
    "SegmentationRun": load_run,
    "Tag": load_tag,
    "TaggerModel": load_tagger_model,
}


async def resolve_node(info: Info, global_id: str) -> Node | None:
    try:
        type_name, object_id = parse_id(global_id)
    except InvalidGlobalId:
        type_name, object_id = "", None
    loader = NODE_LOADERS.get(type_name)
    if loader is None or object_id is None:
        raise client_error(f"{global_id!r} is not a valid ID.", "INVALID_ID")
    node: Node | None = await loader(info, object_id)
    return node


@strawberry.type
class Query(
    CustomerQuery,
    ProductQuery,
    OrderQuery,
    TicketQuery,
    JobQuery,
    SegmentationQuery,
    TaggingQuery,
    AuthQuery,
    AuditQuery,
):
    @strawberry.field(
        description="Any object by its global ID; null if it does not exist.",
        extensions=[allow(EVERYONE)],
    )
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        return await resolve_node(info, id)

    @strawberry.field(
        description=f"Objects by global ID, in order; at most {MAX_NODES}.",
        extensions=[allow(EVERYONE)],
    )
    async def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[Node | None]:
        if len(ids) > MAX_NODES:
            raise client_error(f"nodes takes at most {MAX_NODES} IDs.", "OUT_OF_RANGE")
        return list(await asyncio.gather(*(resolve_node(info, global_id) for global_id in ids)))


@strawberry.type
class Mutation(
    CustomerMutation,
    ProductMutation,
    OrderMutation,
    TicketMutation,
    JobMutation,
    SegmentationMutation,
    TaggingMutation,
    ImportMutation,
    AuthMutation,
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


def create_schema(settings: Settings) -> strawberry.Schema:
    return Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[Customer, Product, Order, Ticket, ApiKey, Job, SegmentationRun, Tag, TaggerModel],
        extensions=protective_extensions(settings),
    )
