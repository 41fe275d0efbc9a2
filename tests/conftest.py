"""Fixtures: one MongoDB per session (embedded mongoeco, or CRM_TEST_MONGODB_URL), one test
database per session reset to its template after each test (tests/databases.py), and a helper
that runs GraphQL operations through the real schema."""

from __future__ import annotations

import dataclasses
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
import strawberry
import uvicorn
from pydantic import SecretStr
from pymongo import AsyncMongoClient
from pymongo.monitoring import (
    CommandFailedEvent,
    CommandListener,
    CommandStartedEvent,
    CommandSucceededEvent,
)

from app.asgi import create_app
from app.auth.roles import Role
from app.auth.service import ApiKeyService
from app.core.db import Database
from app.core.errors import ErrorCode, InputError
from app.core.settings import Settings
from app.core.store import MEMORY, EmbeddedStore
from app.customers.service import CustomerService
from app.graphql.context import Context
from app.graphql.relay import decode_id
from app.jobs.worker import Worker
from app.knowledge.suggest import forget_index
from app.schema import HANDLERS, create_schema
from app.tagging.service import forget_models
from app.tickets.repository import TicketRepository
from tests.databases import Template, Touched
from tests.strict import StrictMongo


class CommandRecorder(CommandListener):
    """Records the commands sent to each database and the collections they name, for
    counting round trips."""

    def __init__(self) -> None:
        self.commands: list[tuple[str, str, object]] = []

    def started(self, event: CommandStartedEvent) -> None:
        target = event.command.get(event.command_name)
        self.commands.append((event.database_name, event.command_name, target))

    def succeeded(self, event: CommandSucceededEvent) -> None:
        pass

    def failed(self, event: CommandFailedEvent) -> None:
        pass

    def count(self, database: str, *, excluding: tuple[str, ...] = ()) -> int:
        return len(self.names(database, excluding=excluding))

    def names(self, database: str, *, excluding: tuple[str, ...] = ()) -> list[str]:
        return [
            command
            for name, command, target in self.commands
            if name == database and target not in excluding
        ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


STRICT = StrictMongo()
TOUCHED = Touched()


@contextmanager
def serve(settings: Settings) -> Iterator[str]:
    """Run the whole app (lifespan included) under uvicorn on a thread; yields its base URL."""
    port = free_port()
    config = uvicorn.Config(
        create_app(settings, listeners=[STRICT, TOUCHED]),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        ws="websockets-sansio",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive(), "server failed to start"
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def start_worker(mongo_url: str, database: str) -> subprocess.Popen[bytes]:
    """`crm worker` in a subprocess with a short lease and small write batches."""
    env = {
        **os.environ,
        "CRM_MONGODB_URL": mongo_url,
        "CRM_DATABASE": database,
        "CRM_JOB_LEASE_SECONDS": "1",
        "CRM_JOB_POLL_SECONDS": "0.05",
        "CRM_WRITE_BATCH_SIZE": "5",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "app", "worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def error_codes(refused: pytest.ExceptionInfo[InputError]) -> dict[str | None, ErrorCode]:
    """The code of each field an ``InputError`` refused."""
    return {e.field: e.code for e in refused.value.errors}


async def run_jobs(database: Database, settings: Settings) -> None:
    """Run every queued job to its end in this process, as a worker would."""
    worker = Worker(database.db, settings, HANDLERS)
    while await worker.run_once():
        pass


async def run_job(gql: GraphQLClient, job_query: str, mutation: str, **variables: Any) -> Any:
    """Start a job with ``mutation``, run the queue, and return the result of the job (read
    with ``job_query``), which must have succeeded."""
    data = await gql(mutation, **variables)
    (payload,) = data.values()
    assert payload["userErrors"] == [], payload["userErrors"]
    await run_jobs(gql.database, gql.settings)
    job = (await gql(job_query, id=payload["job"]["id"]))["job"]
    assert job["status"] == "SUCCEEDED", job["error"]
    return job["result"]


@pytest.fixture(scope="session")
async def mongo_url() -> AsyncIterator[str]:
    url = os.environ.get("CRM_TEST_MONGODB_URL")
    if url:
        yield url
        return
    store = await EmbeddedStore.open(MEMORY)
    yield store.uri
    await store.close()


@pytest.fixture(scope="session")
def recorder() -> CommandRecorder:
    return CommandRecorder()


@pytest.fixture(autouse=True)
def strict_mongo() -> Iterator[StrictMongo]:
    """Every test fails on a command a real MongoDB would refuse or run differently."""
    STRICT.violations.clear()
    yield STRICT
    violations = list(STRICT.violations)
    STRICT.violations.clear()
    assert not violations, "\n".join(str(v) for v in violations)


@pytest.fixture(scope="session")
async def client(mongo_url: str, recorder: CommandRecorder) -> AsyncIterator[AsyncMongoClient[Any]]:
    client: AsyncMongoClient[Any] = AsyncMongoClient(
        mongo_url, tz_aware=True, event_listeners=[recorder, STRICT, TOUCHED]
    )
    yield client
    await client.close()


@pytest.fixture(scope="session")
async def template(client: AsyncMongoClient[Any]) -> AsyncIterator[Template]:
    template = Template(client, f"crm_test_{uuid.uuid4().hex[:12]}", TOUCHED)
    await template.build()
    yield template
    await client.drop_database(template.database.db.name)


@pytest.fixture
async def settings(template: Template, request: pytest.FixtureRequest) -> AsyncIterator[Settings]:
    """Settings pointing at the test database, which is back to its template afterwards (a
    test given ``mongo_url`` may have let another process write: that rebuilds it)."""
    yield Settings(database=template.database.db.name, data_file=":memory:")
    await template.reset(everything="mongo_url" in request.fixturenames)
    forget_models()
    forget_index()


@pytest.fixture
def database(template: Template, settings: Settings) -> Database:
    """The test database: every index and the default taxonomy, nothing else."""
    return template.database


@pytest.fixture(scope="session")
def schema() -> strawberry.Schema:
    return create_schema(Settings())


@dataclass
class GraphQLClient:
    """Runs operations through ``schema.execute`` with a fresh per-request context."""

    schema: strawberry.Schema
    database: Database
    settings: Settings
    authorization: str | None = None

    async def execute(self, query: str, **variables: Any) -> Any:
        context = self.context()
        return await self.schema.execute(query, variable_values=variables, context_value=context)

    def context(self) -> Context:
        return Context(self.database.db, self.settings, authorization=self.authorization)

    async def first_event(self, query: str, **variables: Any) -> Any:
        """The first result of a subscription (or its refusal)."""
        context = self.context()
        events = await self.schema.subscribe(
            query, variable_values=variables, context_value=context
        )
        if not hasattr(events, "__anext__"):
            return events
        try:
            return await anext(events)
        finally:
            await events.aclose()

    async def __call__(self, query: str, **variables: Any) -> dict[str, Any]:
        """The data of a successful operation; fails the test on any GraphQL error."""
        result = await self.execute(query, **variables)
        assert result.errors is None, result.errors
        assert result.data is not None
        return result.data

    async def errors(self, query: str, **variables: Any) -> list[dict[str, Any]]:
        """The errors of an operation that must fail, as formatted for clients."""
        result = await self.execute(query, **variables)
        assert result.errors, f"expected errors, got data {result.data}"
        return [error.formatted for error in result.errors]


@pytest.fixture
def gql(schema: strawberry.Schema, database: Database, settings: Settings) -> GraphQLClient:
    return GraphQLClient(schema, database, settings)


JWT_SECRET = "a test secret long enough for HS256 signing"


@pytest.fixture
def production(database: Database, settings: Settings) -> Settings:
    """Production settings on the test database: no anonymous access; tokens signed with
    ``JWT_SECRET``."""
    return Settings(
        env="production",
        database=settings.database,
        data_file=":memory:",
        jwt_secret=SecretStr(JWT_SECRET),
    )


def customer_token(customer_id: str, *, minutes: int = 10) -> str:
    """A CUSTOMER token naming ``customer_id`` (a Customer ID or hex ObjectId)."""
    claims = {
        "sub": f"portal-user-{customer_id}",
        "role": "CUSTOMER",
        "customer_id": customer_id,
        "exp": datetime.now(UTC) + timedelta(minutes=minutes),
    }
    return jwt.encode(claims, JWT_SECRET, algorithm="HS256")


def as_customer(client: GraphQLClient, customer_id: str) -> GraphQLClient:
    """``client``'s schema and database, called by the customer ``customer_id``."""
    settings = client.settings.model_copy(update={"jwt_secret": SecretStr(JWT_SECRET)})
    authorization = f"Bearer {customer_token(customer_id)}"
    return dataclasses.replace(client, settings=settings, authorization=authorization)


@pytest.fixture
async def as_role(
    database: Database, production: Settings
) -> Callable[[Role | None], Awaitable[GraphQLClient]]:
    """A client authenticated with a fresh API key of the given role (None: no credentials); a
    CUSTOMER is a token naming a fresh customer of their own."""
    schema = create_schema(production)
    keys: dict[Role, str] = {}

    async def client(role: Role | None) -> GraphQLClient:
        if role is None:
            return GraphQLClient(schema, database, production)
        if role is Role.CUSTOMER:
            anonymous = GraphQLClient(schema, database, production)
            customer = await CustomerService(database.db).create(
                {"email": f"{uuid.uuid4().hex[:12]}@customer.example", "name": "A customer"}
            )
            return as_customer(anonymous, str(customer["_id"]))
        if role not in keys:
            _, keys[role] = await ApiKeyService(database.db).create(f"{role.value} key", role)
        return GraphQLClient(schema, database, production, f"Bearer {keys[role]}")

    return client


async def customer_says(gql: GraphQLClient, ticket_id: str, message: dict[str, Any]) -> Any:
    """Add a message as the ticket's customer (signed in with a CUSTOMER token)."""
    ticket = await TicketRepository(gql.database.db).get(decode_id(ticket_id, "Ticket"))
    assert ticket is not None, ticket_id
    portal = as_customer(gql, str(ticket["customerId"]))
    data = await portal(
        """mutation($id: ID!, $input: TicketMessageInput!) {
          addTicketMessage(ticketId: $id, input: $input) {
            ticket { id } userErrors { field code message } } }""",
        id=ticket_id,
        input=message,
    )
    assert data["addTicketMessage"]["userErrors"] == [], data
    return data
