"""Protective schema extensions: caches, depth limit, and the page-size check.

``first``/``last`` above the maximum is a validation error, not a silent cap. The check needs
the operation's variables, which graphql-core validation rules never see (and Strawberry's
ValidationCache caches by query text alone), so it runs as an extension on each request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from graphql import (
    ArgumentNode,
    DocumentNode,
    FieldNode,
    GraphQLError,
    IntValueNode,
    VariableNode,
    Visitor,
    visit,
)
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)
from strawberry.extensions.query_depth_limiter import create_validator

from app.paging import MAX_PAGE_SIZE

CACHE_SIZE = 512
PAGE_ARGUMENTS = ("first", "last")


class _PageSizeVisitor(Visitor):
    def __init__(self, variables: dict[str, Any]) -> None:
        super().__init__()
        self.variables = variables
        self.errors: list[GraphQLError] = []

    def enter_field(self, node: FieldNode, *_: Any) -> None:
        for argument in node.arguments or ():
            if argument.name.value in PAGE_ARGUMENTS:
                self._check(node, argument)

    def _check(self, field: FieldNode, argument: ArgumentNode) -> None:
        value: Any = None
        if isinstance(argument.value, IntValueNode):
            value = int(argument.value.value)
        elif isinstance(argument.value, VariableNode):
            value = self.variables.get(argument.value.name.value)
        in_range = not isinstance(value, int) or 0 <= value <= MAX_PAGE_SIZE
        if not in_range:
            self.errors.append(
                GraphQLError(
                    f"{field.name.value}({argument.name.value}: {value}): page size must be "
                    f"between 0 and {MAX_PAGE_SIZE}; fetch further pages with a cursor.",
                    nodes=[argument],
                    extensions={"code": "PAGE_SIZE_OUT_OF_RANGE", "maximum": MAX_PAGE_SIZE},
                )
            )


def page_size_errors(document: DocumentNode, variables: dict[str, Any]) -> list[GraphQLError]:
    """Every ``first``/``last`` argument outside 0..MAX_PAGE_SIZE in the document."""
    visitor = _PageSizeVisitor(variables)
    visit(document, visitor)
    return visitor.errors


class PageSizeLimit(SchemaExtension):
    """Adds page-size errors to the validation errors; must run after ValidationCache."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is not None:
            errors = page_size_errors(context.graphql_document, context.variables or {})
            if errors:
                context.pre_execution_errors = [*(context.pre_execution_errors or []), *errors]
        yield


def is_unexpected(error: GraphQLError) -> bool:
    """Errors we raise on purpose carry an ``extensions.code``; validation errors have no
    original exception. Anything else is a bug or an outage, and its detail stays in the log."""
    expected = bool(error.extensions and "code" in error.extensions)
    return not expected and error.original_error is not None


def protective_extensions(
    max_depth: int, *, mask_errors: bool
) -> list[Callable[[], SchemaExtension]]:
    """Factories of the schema's extensions (one instance per request), in running order.

    The depth rule class is made once: the validation cache keys on the rule classes, so a new
    class per request would make every lookup miss.
    """
    depth_rule = create_validator(max_depth, should_ignore=None)
    extensions: list[Callable[[], SchemaExtension]] = [
        lambda: ParserCache(maxsize=CACHE_SIZE),
        lambda: AddValidationRules([depth_rule]),
        lambda: ValidationCache(maxsize=CACHE_SIZE),
        PageSizeLimit,
    ]
    if mask_errors:
        extensions.append(lambda: MaskErrors(should_mask_error=is_unexpected))
    return extensions
