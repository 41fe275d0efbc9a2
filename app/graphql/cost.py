"""The cost of an operation, computed from the schema before it runs.

Each object field costs 1; a connection multiplies the cost of what is selected under it by
its page size (``first``/``last``, else the default page size); ``nodes(ids)`` by the number of
IDs; each mutation field adds a fixed cost for its write. Scalars and introspection are free.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    is_composite_type,
)

from app.core.paging import DEFAULT_PAGE_SIZE

MUTATION_COST = 10


def _argument(field: FieldNode, name: str, variables: dict[str, Any]) -> Any:
    for argument in field.arguments or ():
        if argument.name.value != name:
            continue
        value = argument.value
        if isinstance(value, VariableNode):
            return variables.get(value.name.value)
        if isinstance(value, IntValueNode):
            return int(value.value)
        if isinstance(value, ListValueNode):
            return list(value.values)
    return None


def _multiplier(field: FieldNode, type_name: str, variables: dict[str, Any]) -> int:
    if type_name.endswith("Connection"):
        for name in ("first", "last"):
            size = _argument(field, name, variables)
            if isinstance(size, int):
                return max(size, 0)
        return DEFAULT_PAGE_SIZE
    if field.name.value == "nodes":
        ids = _argument(field, "ids", variables)
        return len(ids) if isinstance(ids, list) else 1
    return 1


class _Costing:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        variables: dict[str, Any],
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables

    def selection(
        self, parent: GraphQLNamedType, selection_set: SelectionSetNode, seen: frozenset[str]
    ) -> int:
        total = 0
        for node in selection_set.selections:
            if isinstance(node, FieldNode):
                total += self.field(parent, node, seen)
            elif isinstance(node, InlineFragmentNode):
                condition = node.type_condition
                target = self.schema.get_type(condition.name.value) if condition else parent
                if target is not None:
                    total += self.selection(target, node.selection_set, seen)
            elif isinstance(node, FragmentSpreadNode):
                name = node.name.value
                fragment = self.fragments.get(name)
                if fragment is not None and name not in seen:
                    target = self.schema.get_type(fragment.type_condition.name.value)
                    if target is not None:
                        total += self.selection(target, fragment.selection_set, seen | {name})
        return total

    def field(self, parent: GraphQLNamedType, node: FieldNode, seen: frozenset[str]) -> int:
        if node.name.value.startswith("__") or not isinstance(
            parent, (GraphQLObjectType, GraphQLInterfaceType)
        ):
            return 0
        definition = parent.fields.get(node.name.value)
        if definition is None:
            return 0
        named = get_named_type(definition.type)
        if not is_composite_type(named) or node.selection_set is None:
            return 0
        children = self.selection(named, node.selection_set, seen)
        return 1 + _multiplier(node, named.name, self.variables) * children


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: dict[str, Any],
) -> int:
    """The cost of the operation that will run (the named one, or the only one)."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [
        o
        for o in operations
        if operation_name is None or (o.name and o.name.value == operation_name)
    ]
    if not chosen:
        return 0
    operation = chosen[0]
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0
    costing = _Costing(schema, fragments, variables)
    cost = costing.selection(root, operation.selection_set, frozenset())
    if operation.operation is OperationType.MUTATION:
        cost += MUTATION_COST * len(operation.selection_set.selections)
    return cost
