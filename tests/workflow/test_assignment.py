"""Assignment: never over capacity under concurrency, queues served as tickets close, the two
strategies, languages, and manual assignment to a full agent refused."""

from __future__ import annotations

import asyncio
from typing import Any

from app.graphql.relay import decode_id
from app.workflow.sweep import WorkflowSweep
from tests import factories
from tests.conftest import GraphQLClient

UPDATE = """mutation($id: ID!, $input: UpdateTicketInput!) {
  updateTicket(id: $id, input: $input) {
    ticket { id status assignee { name } } userErrors { field code } } }"""
AGENTS = "{ agents { edges { node { name capacity openTickets } } } }"
HELD = """query($agent: ID!) { tickets(first: 100, filter: {assigneeId: $agent,
  status: [NEW, OPEN, PENDING]}) { totalCount } }"""


async def loads(gql: GraphQLClient) -> dict[str, int]:
    edges = (await gql(AGENTS))["agents"]["edges"]
    return {e["node"]["name"]: e["node"]["openTickets"] for e in edges}


async def assignees(gql: GraphQLClient, ids: list[str]) -> list[str | None]:
    data = await gql(
        "query($ids: [ID!]!) { nodes(ids: $ids) { ... on Ticket { assignee { name } } } }",
        ids=ids,
    )
    return [(n["assignee"] or {}).get("name") for n in data["nodes"]]


async def test_concurrent_tickets_never_exceed_capacity_and_queue_until_agents_free_up(
    gql: GraphQLClient,
) -> None:
    team = await factories.team(gql, "Support", strategy="LEAST_LOADED")
    agents = [
        await factories.agent(gql, name, teamIds=[team["id"]], capacity=10)
        for name in ("Ana", "Bo", "Chen")
    ]
    await factories.rule(
        gql, "TICKET_CREATED", [{"type": "ASSIGN_BY_STRATEGY", "params": {"teamId": team["id"]}}]
    )
    ada = await factories.customer(gql)
    created = await asyncio.gather(
        *(factories.ticket(gql, ada["id"], subject=f"Order {n}") for n in range(100))
    )
    ids = [t["id"] for t in created]
    names = await assignees(gql, ids)
    assert sum(name is not None for name in names) == 30
    assert await loads(gql) == {"Ana": 10, "Bo": 10, "Chen": 10}
    for agent in agents:  # the counters agree with the tickets
        assert (await gql(HELD, agent=agent["id"]))["tickets"]["totalCount"] == 10
    in_team = (await gql("""query($team: ID!) { tickets(filter: {teamId: $team}) {
        totalCount } }""", team=team["id"]))["tickets"]["totalCount"]  # fmt: skip
    assert in_team == 100

    # Closing tickets frees room, and the queue is served at once, oldest first.
    waiting = [i for i, name in zip(ids, names, strict=True) if name is None]
    held = [i for i, name in zip(ids, names, strict=True) if name is not None]
    closing = await asyncio.gather(
        *(gql(UPDATE, id=i, input={"status": "RESOLVED"}) for i in held[:12])
    )
    assert all(c["updateTicket"]["userErrors"] == [] for c in closing)
    assert await loads(gql) == {"Ana": 10, "Bo": 10, "Chen": 10}
    served = await assignees(gql, waiting)
    assert sum(name is not None for name in served) == 12
    # Keep closing: every ticket is assigned in the end, and nobody ever holds more than 10.
    done = set(held[:12])
    for _ in range(20):
        open_ids = [i for i, n in zip(ids, await assignees(gql, ids), strict=True)
                    if n is not None and i not in done]  # fmt: skip
        if not open_ids:
            break
        batch = open_ids[:15]
        await asyncio.gather(*(gql(UPDATE, id=i, input={"status": "CLOSED"}) for i in batch))
        done.update(batch)
        assert max((await loads(gql)).values()) <= 10
    assert len(done) == 100
    assert await loads(gql) == {"Ana": 0, "Bo": 0, "Chen": 0}
    report = await WorkflowSweep(gql.database.db, 60).run_once()
    assert (report.assigned, report.released) == (0, 0)


async def test_strategies_languages_and_status(gql: GraphQLClient) -> None:
    team = await factories.team(gql, "Desk", strategy="ROUND_ROBIN")
    await factories.agent(gql, "Ana", teamIds=[team["id"]], capacity=5, languages=["en"])
    await factories.agent(gql, "Li", teamIds=[team["id"]], capacity=5, languages=["zh", "en"])
    await factories.agent(gql, "Away", teamIds=[team["id"]], capacity=5, status="AWAY")
    await factories.rule(
        gql, "TICKET_CREATED", [{"type": "ASSIGN_BY_STRATEGY", "params": {"teamId": team["id"]}}]
    )
    ada = await factories.customer(gql)
    tickets = [await factories.ticket(gql, ada["id"], subject=f"T{n}") for n in range(4)]
    # Round robin: turns, the one assigned longest ago first; AWAY agents get nothing.
    assert await assignees(gql, [t["id"] for t in tickets]) == ["Ana", "Li", "Ana", "Li"]

    # A Chinese ticket (the language known, here set as the tagger would) goes to Li only.
    zh = await factories.ticket(gql, ada["id"], subject="快递", body="还没到")
    tickets_db = gql.database.db["tickets"]
    object_id = decode_id(zh["id"], "Ticket")
    await tickets_db.update_one({"_id": object_id}, {"$set": {"language": "zh"}})
    await gql(UPDATE, id=zh["id"], input={"assigneeId": None})
    await factories.rule(
        gql, "TICKET_UPDATED", [{"type": "ASSIGN_BY_STRATEGY", "params": {}}],
        all=[{"field": "ASSIGNEE", "operator": "NOT_PRESENT"},
             {"field": "LANGUAGE", "operator": "IS", "value": "zh"}],
    )  # fmt: skip
    await gql(UPDATE, id=zh["id"], input={"priority": "HIGH"})
    assert await assignees(gql, [zh["id"]]) == ["Li"]

    # Least loaded: the member with the fewest open tickets.
    await gql(
        "mutation($id: ID!) { updateTeam(id: $id, input: {strategy: LEAST_LOADED}) "
        "{ userErrors { code } } }",
        id=team["id"],
    )
    await gql(UPDATE, id=tickets[0]["id"], input={"status": "RESOLVED"})
    await gql(UPDATE, id=tickets[2]["id"], input={"status": "RESOLVED"})
    fresh = await factories.ticket(gql, ada["id"])
    assert await assignees(gql, [fresh["id"]]) == ["Ana"]  # Ana 0 open, Li 3


async def test_a_full_agent_is_refused_and_more_capacity_serves_the_queue(
    gql: GraphQLClient,
) -> None:
    team = await factories.team(gql, "Desk")
    bo = await factories.agent(gql, "Bo", teamIds=[team["id"]], capacity=1)
    ada = await factories.customer(gql)
    first, second = [await factories.ticket(gql, ada["id"]) for _ in range(2)]
    data = await gql(UPDATE, id=first["id"], input={"assigneeId": bo["id"]})
    assert data["updateTicket"]["ticket"]["assignee"] == {"name": "Bo"}
    data = await gql(UPDATE, id=second["id"], input={"assigneeId": bo["id"]})
    assert data["updateTicket"]["userErrors"] == [{"field": "assigneeId", "code": "OUT_OF_RANGE"}]
    assert (await assignees(gql, [second["id"]])) == [None]
    # Reassigning is a move: the old agent's room comes back.
    ana = await factories.agent(gql, "Ana", capacity=1)
    await gql(UPDATE, id=first["id"], input={"assigneeId": ana["id"]})
    assert await loads(gql) == {"Ana": 1, "Bo": 0}
    # A queued ticket is taken when an agent gets more room.
    await factories.rule(
        gql, "TICKET_CREATED", [{"type": "ASSIGN_BY_STRATEGY", "params": {"teamId": team["id"]}}]
    )
    await gql(UPDATE, id=second["id"], input={"assigneeId": bo["id"]})
    third = await factories.ticket(gql, ada["id"])
    assert await assignees(gql, [third["id"]]) == [None]
    data = await gql(UPDATE_AGENT, id=bo["id"], input={"capacity": 0})
    assert data["updateAgent"]["userErrors"] == [{"field": "capacity", "code": "OUT_OF_RANGE"}]
    data = await gql(UPDATE_AGENT, id=bo["id"], input={"capacity": 2})
    assert data["updateAgent"]["agent"]["openTickets"] == 2
    assert await assignees(gql, [third["id"]]) == ["Bo"]


UPDATE_AGENT = """mutation($id: ID!, $input: AgentInput!) { updateAgent(id: $id, input: $input) {
  agent { openTickets capacity } userErrors { field code } } }"""


async def test_bad_agents_and_teams_are_refused(gql: GraphQLClient) -> None:
    await factories.agent(gql, "Bo")
    data = await gql(
        factories.CREATE_AGENT,
        input={"name": "Bo 2", "email": "bo@crm.example", "languages": ["fr"],
               "capacity": -1, "teamIds": [factories.UNKNOWN_TEAM], "skills": ["nope"]},
    )  # fmt: skip
    errors: set[Any] = {(e["field"], e["code"]) for e in data["createAgent"]["userErrors"]}
    assert errors == {
        ("languages.0", "INVALID"), ("capacity", "OUT_OF_RANGE"), ("teamIds.0", "NOT_FOUND"),
        ("skills.0", "NOT_FOUND"),
    }  # fmt: skip
    data = await gql(factories.CREATE_AGENT, input={"name": "Bo 2", "email": "bo@crm.example"})
    assert data["createAgent"]["userErrors"][0]["code"] == "DUPLICATE"
    await factories.team(gql, "Desk")
    data = await gql(factories.CREATE_TEAM, input={"name": "Desk"})
    assert data["createTeam"]["userErrors"][0]["code"] == "DUPLICATE"
    assert (await gql("{ agents { totalCount } }"))["agents"]["totalCount"] == 1
