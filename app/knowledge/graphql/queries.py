"""``article``, ``articles`` and ``suggestedArticles``."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from app.graphql.connections import connection_field
from app.graphql.context import Info
from app.graphql.errors import client_error
from app.graphql.permissions import EVERYONE, Role, allow, customer_of
from app.graphql.relay import decode_id_or_raise, load_node
from app.knowledge.graphql.enums import ArticleStatus
from app.knowledge.graphql.inputs import ArticleFilter, ArticleOrderBy
from app.knowledge.graphql.types import Article, ArticleSuggestion
from app.knowledge.models import TYPE_NAME
from app.knowledge.repository import PUBLISHED, ArticleRepository
from app.knowledge.suggest import MAX_QUESTION, MAX_SUGGESTIONS, Suggester
from app.tickets.repository import TicketRepository

READERS = EVERYONE | {Role.CUSTOMER}


async def _readable(info: Info) -> dict[str, Any]:
    """What a caller may list: a customer, published articles only (whatever the filter)."""
    customer = customer_of(await info.context.require_principal())
    return {"status": PUBLISHED} if customer is not None else {}


@strawberry.type
class KnowledgeQuery:
    @strawberry.field(
        extensions=[allow(READERS)], description="A customer sees published articles only."
    )
    async def article(self, info: Info, id: strawberry.ID) -> Article | None:
        customer = customer_of(await info.context.require_principal())
        node: Article | None = await load_node(info, TYPE_NAME, decode_id_or_raise(id, TYPE_NAME))
        if node is not None and customer is not None and node.status is not ArticleStatus.PUBLISHED:
            return None
        return node

    articles = connection_field(
        Article,
        ArticleRepository,
        filter=ArticleFilter,
        order_by=ArticleOrderBy,
        search=True,
        scope=_readable,
        roles=READERS,
        description="Help-center articles; a customer sees published ones only.",
    )

    @strawberry.field(
        extensions=[allow(READERS)],
        description=(
            "Published articles that answer a ticket's customer text (ticketId) or any text, "
            "best first; empty rather than a weak match (see the README's Knowledge base)."
        ),
    )
    async def suggested_articles(
        self,
        info: Info,
        ticket_id: strawberry.ID | None = None,
        text: str | None = None,
        language: Annotated[
            str | None, strawberry.argument(description="The answer's language: en or zh.")
        ] = None,
        first: int = 3,
    ) -> list[ArticleSuggestion]:
        if (ticket_id is None) == (text is None):
            raise client_error("Give either ticketId or text.", "INVALID_ARGUMENT")
        if not 0 < first <= MAX_SUGGESTIONS:
            raise client_error(f"first is 1 to {MAX_SUGGESTIONS}.", "OUT_OF_RANGE")
        if language is not None and language not in ("en", "zh"):
            raise client_error("language is en or zh.", "INVALID_ARGUMENT")
        if text is not None and len(text) > MAX_QUESTION:
            raise client_error(f"text is at most {MAX_QUESTION} characters.", "OUT_OF_RANGE")
        suggester = info.context.get(Suggester)
        if ticket_id is not None:
            owner = customer_of(await info.context.require_principal())
            ticket = await info.context.get(TicketRepository).get(
                decode_id_or_raise(ticket_id, "Ticket")
            )
            if ticket is None or (owner is not None and ticket["customerId"] != owner):
                raise client_error("No ticket has this ID.", "NOT_FOUND")
            hits = await suggester.for_ticket(ticket, language, first)
        else:
            hits = await suggester.suggest(text or "", language, first)
        articles = await info.context.get(ArticleRepository).get_many([h.entry.id for h in hits])
        # An article withdrawn since the index was built is not suggested.
        return [
            ArticleSuggestion.of(hit, article)
            for hit, article in zip(hits, articles, strict=True)
            if article is not None and article["status"] == PUBLISHED
        ]
