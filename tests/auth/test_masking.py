"""Analysts read everything, but never a customer's email or phone in clear."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from app.auth.roles import Role
from app.graphql.permissions import mask_email, mask_emails_in, mask_phone
from tests import factories
from tests.conftest import GraphQLClient, as_customer


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("+86 138 0013 1234", "+86 *** **** 1234"),
        ("(555) 010-9876", "*** **** 9876"),
        ("+4420", "+*** **** 4420"),
    ],
)
def test_phone_masks_keep_country_code_and_last_four(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked


def test_email_mask_keeps_first_letter_and_domain() -> None:
    assert mask_email("jane@example.com") == "j***@example.com"


async def test_analyst_sees_masked_contact_details(
    as_role: Callable[[Role | None], Awaitable[GraphQLClient]],
) -> None:
    manager = await as_role(Role.MANAGER)
    await factories.customer(
        manager, "Jane Roe", email="jane@example.com", phone="+86 138 0013 1234"
    )
    query = "{ customers { edges { node { name email phone } } } }"
    clear = (await manager(query))["customers"]["edges"][0]["node"]
    assert clear == {"name": "Jane Roe", "email": "jane@example.com", "phone": "+86 138 0013 1234"}
    analyst = await as_role(Role.ANALYST)
    masked = (await analyst(query))["customers"]["edges"][0]["node"]
    assert masked == {"name": "Jane Roe", "email": "j***@example.com", "phone": "+86 *** **** 1234"}


async def test_analysts_cannot_recover_emails_by_lookup_filter_search_or_authors(
    as_role: Callable[[Role | None], Awaitable[GraphQLClient]],
) -> None:
    manager = await as_role(Role.MANAGER)
    jane = await factories.customer(manager, "Jane Roe", email="jroe1987@example.com")
    ticket = await factories.ticket(manager, jane["id"])
    portal = as_customer(manager, jane["id"])
    await portal(
        """mutation($id: ID!) { addTicketMessage(ticketId: $id,
            input: {body: "Any news?"}) { ticket { id } } }""",
        id=ticket["id"],
    )
    analyst = await as_role(Role.ANALYST)
    probes = [
        '{ customerByEmail(email: "jroe1987@example.com") { name } }',
        '{ customers(filter: {email: {startsWith: "jr"}}) { totalCount } }',
        '{ customers(filter: {email: {eq: "jroe1987@example.com"}}) { totalCount } }',
        '{ customers(search: "jroe1987") { totalCount } }',
    ]
    for probe in probes:
        errors = await analyst.errors(probe)
        assert errors[0]["extensions"]["code"] == "FORBIDDEN", probe
    data = await analyst(
        "query($id: ID!) { ticket(id: $id) { messages { author } } }", id=ticket["id"]
    )
    assert data["ticket"]["messages"] == [{"author": "J***"}]
    # Others keep every way in.
    assert (await manager(probes[0]))["customerByEmail"] == {"name": "Jane Roe"}
    assert (await manager(probes[3]))["customers"]["totalCount"] == 1


def test_emails_inside_texts_are_masked() -> None:
    assert mask_emails_in("No customer has email 'jroe@example.com'.") == (
        "No customer has email 'j***@example.com'."
    )
