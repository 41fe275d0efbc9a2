"""Every sort the API offers has a keyset index, and start-up creates indexes idempotently."""

from __future__ import annotations

from enum import Enum

import pytest
from pymongo import TEXT, IndexModel

from app.core.db import Database
from app.core.repository import Repository
from app.customers.graphql.inputs import CustomerOrderBy
from app.customers.repository import CustomerRepository
from app.orders.graphql.inputs import OrderOrderBy
from app.orders.repository import OrderRepository
from app.products.graphql.inputs import ProductOrderBy
from app.products.repository import ProductRepository
from app.repositories import REPOSITORIES
from app.tickets.graphql.inputs import TicketOrderBy
from app.tickets.repository import TicketRepository


def index_keys(repository: type[Repository]) -> list[list[str]]:
    return [list(index.document["key"]) for index in repository.indexes]


@pytest.mark.parametrize(
    ("repository", "fields"),
    [
        (CustomerRepository, CustomerOrderBy.fields),
        (ProductRepository, ProductOrderBy.fields),
        (OrderRepository, OrderOrderBy.fields),
        (TicketRepository, TicketOrderBy.fields),
    ],
)
def test_every_sort_field_has_a_keyset_index(
    repository: type[Repository], fields: type[Enum]
) -> None:
    keys = index_keys(repository)
    for field in fields:
        assert [field.value, "_id"] in keys, f"{repository.__name__}: no index on {field.value}"


def test_lists_under_a_customer_have_their_own_index() -> None:
    for repository in (OrderRepository, TicketRepository):
        assert ["customerId", repository.list_order[0][0], "_id"] in index_keys(repository)


def test_unique_and_text_indexes_are_declared() -> None:
    unique = {
        (repository.collection_name, tuple(index.document["key"]))
        for repository in REPOSITORIES
        for index in repository.indexes
        if index.document.get("unique")
    }
    assert unique == {
        ("api_keys", ("prefix",)),
        ("customers", ("email",)),
        ("products", ("sku",)),
        ("orders", ("number",)),
        ("warehouses", ("code",)),
        ("stock_moves", ("key",)),
        ("fulfilments", ("orderId",)),
        ("tickets", ("number",)),
        ("tags", ("name",)),
        ("tagger_models", ("version",)),
        ("tagger_models", ("jobId",)),
        ("tagging_examples", ("ticketId",)),
        ("agents", ("email",)),
        ("agents", ("principal",)),
        ("teams", ("name",)),
        ("rules", ("name",)),
        ("business_hours", ("name",)),
        ("sla_policies", ("name",)),
        ("campaigns", ("nameKey",)),
    }

    def text_fields(repository: type[Repository]) -> set[str]:
        return {
            field
            for index in repository.indexes
            for field, kind in index.document["key"].items()
            if kind == "text"
        }

    assert text_fields(CustomerRepository) == {"name", "email", "company"}
    assert text_fields(TicketRepository) == {"subject", "body"}


async def test_start_up_creates_indexes_and_repeating_it_is_harmless(database: Database) -> None:
    await database.ensure_indexes(REPOSITORIES)
    for repository in REPOSITORIES:
        existing = await database.db[repository.collection_name].index_information()
        for index in repository.indexes:
            assert index.document["name"] in existing, index.document["name"]


async def test_an_index_whose_declaration_changed_is_rebuilt(database: Database) -> None:
    """The tickets' text index gained language_override: stores made before get it too."""
    tickets = database.db[TicketRepository.collection_name]
    await tickets.drop_index("ticket_text")
    old = IndexModel(
        [("subject", TEXT), ("body", TEXT)], name="ticket_text", default_language="none"
    )
    await tickets.create_indexes([old])
    await database.ensure_indexes(REPOSITORIES)
    information = await tickets.index_information()
    assert information["ticket_text"]["language_override"] == "textLanguage"
