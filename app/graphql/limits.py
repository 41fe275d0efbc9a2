"""Protective schema extensions: caches, depth/alias/token limits, the fields a customer may
select, page sizes, query cost and rate limits, introspection and error masking in production.

Page sizes and cost depend on the operation's variables, which graphql-core validation rules
never see (and Strawberry's ValidationCache caches by query text alone), so those checks run as
an extension on each request, after the cached validation.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import AsyncIterator, Callable
from functools import partial
from typing import Any

from graphql import (
    ArgumentNode,
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    GraphQLError,
    IntValueNode,
    VariableNode,
    Visitor,
    visit,
)
from pymongo.errors import ConnectionFailure, PyMongoError
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaskErrors,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)
from strawberry.extensions.max_aliases import create_validator as aliases_validator
from strawberry.extensions.query_depth_limiter import create_validator as depth_validator
from strawberry.types.execution import ExecutionContext
from strawberry.types.graphql import OperationType

from app.auth.rate_limits import RateLimitRepository, TokenLeases
from app.auth.roles import Role
from app.core.paging import MAX_PAGE_SIZE
from app.core.settings import Settings
from app.graphql.context import Context
from app.graphql.cost import Price, Work, begin, operation_cost
from app.graphql.customer_view import customer_errors
from app.graphql.errors import client_error, rate_limited

log = logging.getLogger(__name__)

CACHE_SIZE = 512
PAGE_ARGUMENTS = ("first", "last")


class _PageArguments(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[FieldNode, ArgumentNode]] = []

    def enter_field(self, node: FieldNode, *_: Any) -> None:
        for argument in node.arguments or ():
            if argument.name.value in PAGE_ARGUMENTS:
                self.found.append((node, argument))


# By document: the parser cache hands out the same document for the same query text.
_page_arguments: dict[int, tuple[weakref.ref[DocumentNode], list[tuple[FieldNode, ArgumentNode]]]]
_page_arguments = {}


def _page_arguments_of(document: DocumentNode) -> list[tuple[FieldNode, ArgumentNode]]:
    known = _page_arguments.get(id(document))
    if known is not None and known[0]() is document:
        return known[1]
    visitor = _PageArguments()
    visit(document, visitor)
    if len(_page_arguments) >= 2 * CACHE_SIZE:
        _page_arguments.clear()
    _page_arguments[id(document)] = (weakref.ref(document), visitor.found)
    return visitor.found


def page_size_errors(document: DocumentNode, variables: dict[str, Any]) -> list[GraphQLError]:
    """Every ``first``/``last`` argument outside 0..MAX_PAGE_SIZE in the document."""
    errors = []
    for field, argument in _page_arguments_of(document):
        value: Any = None
        if isinstance(argument.value, IntValueNode):
            value = int(argument.value.value)
        elif isinstance(argument.value, VariableNode):
            value = variables.get(argument.value.name.value)
        if isinstance(value, int) and not 0 <= value <= MAX_PAGE_SIZE:
            errors.append(
                client_error(
                    f"{field.name.value}({argument.name.value}: {value}): page size must be "
                    f"between 0 and {MAX_PAGE_SIZE}; fetch further pages with a cursor.",
                    "PAGE_SIZE_OUT_OF_RANGE",
                    nodes=[argument],
                    maximum=MAX_PAGE_SIZE,
                )
            )
    return errors


def _add_errors(context: ExecutionContext, errors: list[GraphQLError]) -> None:
    context.pre_execution_errors = [*(context.pre_execution_errors or []), *errors]


class CustomerView(SchemaExtension):
    """Refuses a customer's operation that selects a field outside the customer view
    (``customer_view.py``) before it runs; must run after ValidationCache (the document is
    valid) and before QueryBudget (a refused operation costs nothing). The caller is
    authenticated here, so bad credentials or an unreachable database are reported here."""

    async def on_validate(self) -> AsyncIterator[None]:
        execution = self.execution_context
        document = execution.graphql_document
        if document is not None and not execution.pre_execution_errors:
            context: Context = execution.context
            try:
                principal = await context.principal()
            except GraphQLError as error:
                _add_errors(execution, [error])
            except PyMongoError as error:
                _add_errors(execution, [driver_error(error, context.request_id)])
            else:
                if principal is not None and principal.role is Role.CUSTOMER:
                    _add_errors(execution, customer_errors(execution.schema._schema, document))
        yield


class QueryBudget(SchemaExtension):
    """Page sizes, the cost ceiling and the caller's rate limit; must run after ValidationCache.

    The price is taken from the caller's bucket before the operation runs; once it ran, the
    work it measured settles the difference. Every response reports
    ``extensions.cost { requested actual maximum remaining }``.
    """

    def __init__(self, settings: Settings, leases: TokenLeases) -> None:
        self.settings = settings
        self.leases = leases
        self.work: Work | None = None
        self.ran = False
        self.remaining: int | None = None

    async def on_validate(self) -> AsyncIterator[None]:
        execution = self.execution_context
        document = execution.graphql_document
        if document is not None and not execution.pre_execution_errors:
            variables = execution.variables or {}
            errors = page_size_errors(document, variables)
            if errors:
                _add_errors(execution, errors)
            else:
                price = operation_cost(
                    execution.schema._schema, document, execution.operation_name, variables
                )
                error = await self._spend(execution.context, price)
                if error is not None:
                    _add_errors(execution, [error])
        yield

    async def on_execute(self) -> AsyncIterator[None]:
        self.ran = True
        yield
        # A subscription's events settle as they are sent (its resolver calls settle).
        subscribing = self.execution_context.operation_type is OperationType.SUBSCRIPTION
        if self.work is None or subscribing:
            return
        try:
            remaining = await self.work.settle()
        except PyMongoError as error:
            # The operation ran and its answer stands; only the settling is lost.
            log.warning("settling the cost of request %s failed: %s", self._request_id(), error)
            return
        if remaining is not None:
            self.remaining = remaining

    def _request_id(self) -> str:
        return getattr(self.execution_context.context, "request_id", "unknown")

    async def _spend(self, context: Context, price: Price) -> GraphQLError | None:
        cost, maximum = price.requested, self.settings.max_query_cost
        self.work = Work(price)
        begin(self.work)
        if cost > maximum:
            return client_error(
                f"This operation costs {cost}; the maximum is {maximum}. Ask for smaller pages "
                "or fewer nested lists.",
                "QUERY_TOO_COSTLY",
                cost=cost,
                maximum=maximum,
            )
        capacity = self.settings.rate_limit_cost_per_minute
        try:
            principal = await context.principal()
            if principal is None:
                return None  # every field will refuse the anonymous caller anyway
            buckets = context.get(RateLimitRepository)
            decision = await self.leases.take(buckets, principal.bucket, cost, capacity)
        except GraphQLError as error:
            return error
        except PyMongoError as error:
            return driver_error(error, context.request_id)
        self.remaining = decision.remaining
        if decision.allowed:
            charge = partial(self.leases.charge, buckets, principal.bucket, capacity=capacity)
            self.work = Work(price, charge)
            begin(self.work)
            return None
        return rate_limited(capacity, decision.retry_after)

    def get_results(self) -> dict[str, Any]:
        if self.work is None:
            return {}
        return {
            "cost": {
                "requested": self.work.price.requested,
                "actual": self.work.actual if self.ran else None,
                "maximum": self.settings.max_query_cost,
                "remaining": self.remaining,
            }
        }


def is_unexpected(error: GraphQLError) -> bool:
    """Errors we raise on purpose carry an ``extensions.code``; validation and variable errors
    happen before execution (no path) and wrap nothing but GraphQL's own errors. Anything else
    is a bug or an outage."""
    if error.extensions and "code" in error.extensions:
        return False
    original = error.original_error
    return error.path is not None or (
        original is not None and not isinstance(original, GraphQLError)
    )


class MaskUnexpectedErrors(MaskErrors):
    """In production: a client sees a request id, the log keeps the detail under that id."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        context = self.execution_context.context
        request_id = getattr(context, "request_id", "unknown")
        log.error("request %s failed: %s", request_id, error.message, exc_info=error.original_error)
        return GraphQLError(
            f"Unexpected error (request {request_id}).",
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions={"code": "INTERNAL", "requestId": request_id},
        )


def driver_error(error: BaseException, request_id: str) -> GraphQLError:
    """What a client sees of a database failure: a code and a request id, never the driver's
    message (it names server addresses and the topology); the log keeps the detail."""
    if isinstance(error, ConnectionFailure):
        log.warning("request %s: database unavailable: %s", request_id, error)
        return GraphQLError(
            f"The database is unavailable; retry shortly (request {request_id}).",
            extensions={"code": "DATABASE_UNAVAILABLE", "requestId": request_id},
        )
    log.error("request %s: database error: %s", request_id, error, exc_info=error)
    return GraphQLError(
        f"Unexpected database error (request {request_id}).",
        extensions={"code": "INTERNAL", "requestId": request_id},
    )


class MaskDriverErrors(MaskErrors):
    """In every environment: driver errors reach clients only as ``driver_error``."""

    def __init__(self) -> None:
        super().__init__(
            should_mask_error=lambda error: isinstance(error.original_error, PyMongoError)
        )

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        request_id = getattr(self.execution_context.context, "request_id", "unknown")
        assert error.original_error is not None
        masked = driver_error(error.original_error, request_id)
        return GraphQLError(
            masked.message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions=masked.extensions,
        )


def protective_extensions(settings: Settings) -> list[Callable[[], SchemaExtension]]:
    """Factories of the schema's extensions (one instance per request), in running order.

    Validation rule classes are made once: the validation cache keys on the rule classes, so a
    new class per request would make every lookup miss. The rate limiter's leases are the
    process's, shared by its requests.
    """
    leases = TokenLeases()
    rules: list[type[ASTValidationRule]] = [
        depth_validator(settings.max_query_depth, should_ignore=None),
        aliases_validator(settings.max_aliases),
    ]
    extensions: list[Callable[[], SchemaExtension]] = [
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        lambda: ParserCache(maxsize=CACHE_SIZE),
        lambda: AddValidationRules(rules),
    ]
    if not settings.introspection_enabled:
        extensions.append(DisableIntrospection)
    extensions += [
        lambda: ValidationCache(maxsize=CACHE_SIZE),
        CustomerView,
        lambda: QueryBudget(settings, leases),
    ]
    if settings.is_production:
        extensions.append(MaskUnexpectedErrors)
    # Last in the list, so it sees the result first (extensions unwind in reverse).
    extensions.append(MaskDriverErrors)
    return extensions
