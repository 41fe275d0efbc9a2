"""Every successful mutation leaves an audit entry: who, what, which object, old and new."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from app.auth.roles import Role
from tests import factories
from tests.conftest import GraphQLClient

AUDIT = """query($filter: AuditLogFilter) { auditLog(first: 50, filter: $filter) {
    totalCount edges { node { mutation objectType objectId requestId
        actor { kind id name role } changes { field old new } } } } }"""


async def entries(admin: GraphQLClient, **filter_: Any) -> list[dict[str, Any]]:
    data = await admin(AUDIT, filter=filter_ or None)
    return [edge["node"] for edge in data["auditLog"]["edges"]]


async def test_mutations_are_audited_with_old_and_new_values(
    as_role: Callable[[Role | None], Awaitable[GraphQLClient]],
) -> None:
    manager = await as_role(Role.MANAGER)
    customer = await factories.customer(manager, "Ada Lovelace", company="Engines")
    update = """mutation($id: ID!) {
        updateCustomer(id: $id, input: {company: "Analytical", tags: ["vip"]}) {
            userErrors { code } } }"""
    await manager(update, id=customer["id"])
    duplicate = await manager(
        factories.CREATE_CUSTOMER, input={"name": "Ada 2", "email": "ada@example.com"}
    )
    assert duplicate["createCustomer"]["userErrors"]  # refused: must not be audited

    admin = await as_role(Role.ADMIN)
    log = await entries(admin, objectId=customer["id"])
    assert [e["mutation"] for e in log] == ["updateCustomer", "createCustomer"]
    updated, created = log
    assert updated["actor"]["role"] == "MANAGER"
    assert updated["actor"]["kind"] == "api_key"
    assert updated["objectType"] == "Customer"
    assert updated["changes"] == [
        {"field": "company", "old": "Engines", "new": "Analytical"},
        {"field": "tags", "old": [], "new": ["vip"]},
    ]
    assert {"field": "email", "old": None, "new": "ada@example.com"} in created["changes"]
    assert len(await entries(admin, mutation="createCustomer")) == 1
    assert len(await entries(admin, actor=updated["actor"]["id"])) == 2
    assert await entries(admin, since="2999-01-01T00:00:00Z") == []


async def test_api_key_secrets_never_reach_the_audit_log(
    as_role: Callable[[Role | None], Awaitable[GraphQLClient]],
) -> None:
    admin = await as_role(Role.ADMIN)
    data = await admin(
        """mutation { createApiKey(input: {name: "etl", role: MANAGER}) { key apiKey { id } } }"""
    )
    key = data["createApiKey"]["key"]
    log = await entries(admin, mutation="createApiKey")
    assert len(log) == 1
    assert {"field": "hash", "old": None, "new": "[redacted]"} in log[0]["changes"]
    assert key not in str(log)
    assert key[len("crm_12345678_") :] not in str(log)
