"""The executor: graphql-core's, with a short way through plain leaf fields.

A page of 20 customers with 5 orders each completes about 330 fields, and most are plain
leaves: a stored attribute, read as it is, then serialized (``name``, ``status``,
``amount``). graphql-core completes each through the general path (resolve info, argument
values, awaitable checks, the type dispatch of ``complete_value``), which is most of what
such a page costs. Here a plain leaf is read and serialized directly; anything out of the
ordinary (a missing value where one is required, a value that does not serialize, an error)
goes back through graphql-core's own path, which reports it as it always does.

Tied to graphql-core's ``Executor.execute_field`` (the version is pinned in pyproject.toml).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from graphql import (
    GraphQLEnumType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import Path, Undefined
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext


@dataclass(frozen=True, slots=True)
class PlainLeaf:
    """A field whose value is its source's attribute, of a scalar or enum type."""

    resolve: Callable[..., Any]
    coerce: Callable[[Any], Any]
    required: bool


Leaves = dict[str, dict[str, PlainLeaf]]
_LEAVES: WeakKeyDictionary[GraphQLSchema, Leaves] = WeakKeyDictionary()


def plain_leaves(schema: GraphQLSchema) -> Leaves:
    """Per object type, its plain leaf fields: a resolver Strawberry marks as the default
    attribute read, no arguments, and a scalar or enum type (required or not)."""
    leaves = _LEAVES.get(schema)
    if leaves is None:
        leaves = {}
        for type_ in schema.type_map.values():
            if isinstance(type_, GraphQLObjectType):
                fields = leaves[type_.name] = {}
                for name, field in type_.fields.items():
                    kind = field.type
                    required = isinstance(kind, GraphQLNonNull)
                    if required:
                        kind = kind.of_type
                    plain = getattr(field.resolve, "_is_default", False) and not field.args
                    if plain and isinstance(kind, GraphQLScalarType | GraphQLEnumType):
                        fields[name] = PlainLeaf(field.resolve, kind.coerce_output_value, required)
        _LEAVES[schema] = leaves
    return leaves


class Executor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor, completing plain leaf fields without the general path."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        wrapped = self.middleware_manager is not None and self.middleware_manager.middlewares
        # A schema extension that wraps every resolver sees every field: then no short way.
        self.leaves = {} if wrapped else plain_leaves(self.schema)

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> Any:
        fields = self.leaves.get(parent_type.name)
        leaf = fields.get(field_details_list[0].node.name.value) if fields else None
        if leaf is not None:
            try:
                value = leaf.resolve(source, None)
                if value is None:
                    if not leaf.required:
                        return None
                else:
                    coerced = leaf.coerce(value)
                    if coerced is not None and coerced is not Undefined:
                        return coerced
            except Exception:
                pass  # graphql-core's path below reports it
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )
