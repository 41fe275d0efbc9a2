"""What a customer may select: a default-deny table of (type, field) pairs.

A CUSTOMER token reaches their own record, orders and tickets; their roots (``viewer``,
``node``/``nodes``, ``myOrders``, ``myTickets``) hand out nothing else (``node`` of anything
not theirs is null, see ``relay.resolve_node``). On top of that, before an operation of a
CUSTOMER runs, every field the document selects (in every operation and fragment, inline
fragments on interfaces included) is checked against this table: one field not in it refuses
the whole operation with FORBIDDEN, before anything is read or counted (the schema extension
``limits.CustomerView`` runs the check). So a field added to the schema stays closed to
customers until a row here opens it.

``__typename`` and introspection are allowed: the schema is published (schema/schema.graphql)
and hiding it from customers protects nothing; production servers disable introspection for
everyone (``CRM_INTROSPECTION``).

A root field listed here must also declare CUSTOMER in its ``allow(...)`` (a test checks both,
and that every row names a field the schema has).
"""

from __future__ import annotations

from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLError,
    GraphQLSchema,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    visit,
)


def fields(names: str) -> frozenset[str]:
    return frozenset(names.split())


CUSTOMER_FIELDS: dict[str, frozenset[str]] = {
    # Roots ---------------------------------------------------------------------------------
    "Query": fields("viewer node nodes myOrders myTickets article articles suggestedArticles"),
    "Mutation": fields(
        "createTicket addTicketMessage rateTicket recordArticleView recordArticleFeedback"
    ),
    # No subscription: a customer follows no jobs.
    "Viewer": fields("name role kind customer"),
    "Node": fields("id"),
    # Their record: contact details only (no tags, lifecycle, segment or stats; their lists are
    # myOrders and myTickets, not Customer.orders / tickets, so their limits live in one place)
    "Customer": fields("id name email phone company address createdAt"),
    "Address": fields("line1 line2 city region postalCode country"),
    # Their orders: what they bought and where it stands (no cost, margin or product records)
    "Order": fields("id number status placedAt total items statusHistory customer"),
    "OrderItem": fields("sku name quantity unitPrice lineTotal"),
    "StatusChange": fields("status at"),  # not the staff's note
    "Money": fields("amount currency"),
    # Their tickets: the conversation without internal notes (Ticket.messages drops them), the
    # assignee's name; no tags, sentiment, language, SLA, team, rule runs or legacy fields
    "Ticket": fields(
        "id number type channel subject body status priority createdAt updatedAt "
        "firstResponseAt resolvedAt messages assignee customer order automaticAnswer survey "
        "satisfaction ratings"
    ),
    # The survey of a resolution and their answers to it (not how the desk tagged them)
    "TicketSurvey": fields("open openedAt answeredAt"),
    "TicketSatisfaction": fields("rating comment at via surveyOpenedAt"),
    "RateTicketPayload": fields("ticket userErrors"),
    "TicketMessage": fields(  # never internal ones
        "author authorKind fromCustomer internal body at automatic article"
    ),
    "Agent": fields("name"),
    # Lists ---------------------------------------------------------------------------------
    "OrderConnection": fields("edges pageInfo totalCount"),
    "OrderEdge": fields("cursor node"),
    "TicketConnection": fields("edges pageInfo totalCount"),
    "TicketEdge": fields("cursor node"),
    "PageInfo": fields("hasNextPage hasPreviousPage startCursor endCursor"),
    # Mutation payloads ---------------------------------------------------------------------
    "CreateTicketPayload": fields("ticket userErrors"),
    "AddTicketMessagePayload": fields("ticket userErrors"),
    "UserError": fields("field code message"),
    # The help center: published articles (node, article and articles return no others), the
    # answer model's suggestions, what they say of an article; an automatic answer's article
    "Article": fields("id title body language tags publishedAt updatedAt"),
    "ArticleConnection": fields("edges pageInfo totalCount"),
    "ArticleEdge": fields("cursor node"),
    "ArticleSuggestion": fields("article score confidence matchedTerms"),
    "AutomaticAnswer": fields("article confidence at deflected"),
    "RecordArticleViewPayload": fields("article userErrors"),
    "RecordArticleFeedbackPayload": fields("article userErrors"),
}


def customer_may_select(type_name: str, field_name: str) -> bool:
    """Whether a customer may select ``field_name`` on ``type_name`` (``__typename`` and the
    introspection types always)."""
    if field_name.startswith("__") or type_name.startswith("__"):
        return True
    return field_name in CUSTOMER_FIELDS.get(type_name, frozenset())


class _Refused(Visitor):
    def __init__(self, type_info: TypeInfo) -> None:
        super().__init__()
        self.type_info = type_info
        self.refused: dict[tuple[str, str], FieldNode] = {}

    def enter_field(self, node: FieldNode, *_: Any) -> None:
        parent = self.type_info.get_parent_type()
        if parent is not None and not customer_may_select(parent.name, node.name.value):
            self.refused.setdefault((parent.name, node.name.value), node)


def customer_errors(schema: GraphQLSchema, document: DocumentNode) -> list[GraphQLError]:
    """A FORBIDDEN error for each field of ``document`` (a valid one) a customer may not
    select."""
    type_info = TypeInfo(schema)
    refused = _Refused(type_info)
    visit(document, TypeInfoVisitor(type_info, refused))
    return [
        GraphQLError(
            f"Forbidden: a customer cannot select {type_name}.{field_name}.",
            nodes=[node],
            extensions={"code": "FORBIDDEN"},
        )
        for (type_name, field_name), node in refused.refused.items()
    ]
