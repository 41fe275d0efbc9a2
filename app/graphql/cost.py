"""The cost of an operation: priced from the schema before it runs, settled by its work after.

Each object field costs 1; a connection's ``edges`` cost what they select times its page size
(``first``/``last``, else the default page size), its ``pageInfo`` and ``totalCount`` once;
``nodes(ids)`` costs its selection per ID; each mutation field adds a fixed cost for its write.
Scalars and introspection are free.

Fields whose work depends on the data are priced at an estimate beforehand and at what they
did afterwards: ``totalCount`` reads every match (a point per 100 counted), ``feedbackSummary``
reads every ticket in its window twice (a point per 10 tickets read). A subscription pays its
price for every event it sends and a point for every poll of the database behind it.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
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
from app.graphql.errors import rate_limited

MUTATION_COST = 10
COUNTED_PER_POINT = 100  # counting walks index keys
READ_PER_POINT = 10  # aggregating reads whole documents
# Prices before running: counting 1,000 matches; summarising 500 tickets.
ESTIMATES = {"totalCount": 10, "feedbackSummary": 100}
POLL_COST = 1


@dataclass(frozen=True)
class Price:
    """An operation's price before it runs, and the part of it that estimates measured work."""

    requested: int = 0
    estimated: int = 0

    def __add__(self, other: Price) -> Price:
        return Price(self.requested + other.requested, self.estimated + other.estimated)

    def times(self, factor: int) -> Price:
        return Price(self.requested * factor, self.estimated * factor)


class Work:
    """What an operation measured as it ran; settling charges the caller's bucket for it in
    place of the estimates its price held (a refund when it did less)."""

    def __init__(
        self,
        price: Price = Price(),
        charge: Callable[[int], Awaitable[int]] | None = None,
    ) -> None:
        self.price = price
        self.points = 0
        self.settled = 0
        self._estimated = price.estimated
        self._charge = charge

    def counted(self, matches: int) -> None:
        self.points += max(1, math.ceil(matches / COUNTED_PER_POINT))

    def read(self, documents: int) -> None:
        self.points += max(1, math.ceil(documents / READ_PER_POINT))

    def polled(self) -> None:
        self.points += POLL_COST

    @property
    def actual(self) -> int:
        """The price with the estimates replaced by what was measured, plus what was settled
        for the events of a subscription."""
        return self.price.requested - self.price.estimated + self.settled + self.points

    async def settle(self, extra: int = 0) -> int | None:
        """Charge the work measured since the last settling (less the estimates already paid)
        plus ``extra``; the tokens left, or None if there is no one to charge."""
        delta = self.points - self._estimated + extra
        self.settled += self.points + extra
        self.points = self._estimated = 0
        if self._charge is None or delta == 0:
            return None  # nothing to settle: no round trip
        return await self._charge(delta)


SETTLE_POINTS = 60  # a quiet subscription settles its polls at least this often (30 s)


async def pay_for_event(work: Work, *, first: bool, capacity: int) -> None:
    """A subscription's event: the first was paid up front; the others pay the price again,
    with the polls since the last one. A caller whose bucket ran dry gets RATE_LIMITED, which
    ends the subscription."""
    remaining = await work.settle(0 if first else work.price.requested)
    if remaining is not None and remaining < 0:
        raise rate_limited(capacity, -remaining / (capacity / 60.0))


async def pay_for_polls(work: Work, *, capacity: int) -> None:
    """Settle a quiet subscription's polls once they add up."""
    if work.points >= SETTLE_POINTS:
        await pay_for_event(work, first=True, capacity=capacity)


_work: ContextVar[Work | None] = ContextVar("work", default=None)


def begin(work: Work) -> None:
    """Make ``work`` the meter of the running operation (its task and the tasks it starts)."""
    _work.set(work)


def measured() -> Work:
    """The running operation's meter (a throwaway one outside an operation)."""
    return _work.get() or Work()


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


def _page_size(field: FieldNode, variables: dict[str, Any]) -> int:
    for name in ("first", "last"):
        size = _argument(field, name, variables)
        if isinstance(size, int):
            return max(size, 0)
    return DEFAULT_PAGE_SIZE


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
        self,
        parent: GraphQLNamedType,
        selection_set: SelectionSetNode,
        seen: frozenset[str],
        page: int = 1,
    ) -> Price:
        """What ``selection_set`` on ``parent`` costs; ``page`` is the page size when the
        parent is a connection (its edges are priced per node, the rest once)."""
        total = Price()
        for node in selection_set.selections:
            if isinstance(node, FieldNode):
                total += self.field(parent, node, seen, page)
            elif isinstance(node, InlineFragmentNode):
                condition = node.type_condition
                target = self.schema.get_type(condition.name.value) if condition else parent
                if target is not None:
                    total += self.selection(target, node.selection_set, seen, page)
            elif isinstance(node, FragmentSpreadNode):
                name = node.name.value
                fragment = self.fragments.get(name)
                if fragment is not None and name not in seen:
                    target = self.schema.get_type(fragment.type_condition.name.value)
                    if target is not None:
                        total += self.selection(target, fragment.selection_set, seen | {name}, page)
        return total

    def field(
        self, parent: GraphQLNamedType, node: FieldNode, seen: frozenset[str], page: int
    ) -> Price:
        name = node.name.value
        if name.startswith("__") or not isinstance(
            parent, (GraphQLObjectType, GraphQLInterfaceType)
        ):
            return Price()
        definition = parent.fields.get(name)
        if definition is None:
            return Price()
        estimate = ESTIMATES.get(name, 0)
        own = Price(estimate, estimate)
        named = get_named_type(definition.type)
        if not is_composite_type(named) or node.selection_set is None:
            return own
        if named.name.endswith("Connection"):
            size = _page_size(node, self.variables)
            return own + Price(1) + self.selection(named, node.selection_set, seen, size)
        children = self.selection(named, node.selection_set, seen)
        if name == "edges" and parent.name.endswith("Connection"):
            return (Price(1) + children).times(page)
        if name == "nodes":
            ids = _argument(node, "ids", self.variables)
            return own + Price(1) + children.times(len(ids) if isinstance(ids, list) else 1)
        return own + Price(1) + children


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: dict[str, Any],
) -> Price:
    """The price of the operation that will run (the named one, or the only one); for a
    subscription, the price of each event."""
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
        return Price()
    operation = chosen[0]
    root = schema.get_root_type(operation.operation)
    if root is None:
        return Price()
    costing = _Costing(schema, fragments, variables)
    price = costing.selection(root, operation.selection_set, frozenset())
    if operation.operation is OperationType.MUTATION:
        price += Price(MUTATION_COST * len(operation.selection_set.selections))
    return price
