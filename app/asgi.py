"""The ASGI application: routes, per-request context, and the database lifespan."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from cross_web import AsyncHTTPRequestAdapter, HTTPException
from pymongo.monitoring import CommandListener
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.unset import UNSET

from app.backup.jobs import BackupSchedule
from app.core.capacity import CapacityWatch
from app.core.db import Database
from app.core.settings import Settings
from app.customers.repository import CustomerRepository
from app.exports.routes import download
from app.graphql.context import Context
from app.graphql.graphiql import STATIC_DIR, graphiql_html
from app.inventory.recovery import StockRecovery
from app.inventory.repository import WarehouseRepository
from app.inventory.service import default_warehouse
from app.jobs.worker import Worker, stop_within
from app.middleware import BodySizeLimit, RequestContext, UploadPreflight
from app.repositories import REPOSITORIES
from app.schema import HANDLERS, create_schema
from app.tagging.auto import AutoTagger
from app.tagging.jobs import queue_first_training
from app.tagging.repository import TagRepository
from app.webhooks.delivery import WebhookDispatcher
from app.workflow.defaults import load_defaults
from app.workflow.sweep import WorkflowSweep

log = logging.getLogger(__name__)

NOT_A_REQUEST = (
    "The request is not a GraphQL request: send a JSON object with a `query` string, or a "
    "multipart request whose `operations` and `map` are JSON objects."
)


class DatabaseHolder:
    """The database of the running app, set by the lifespan (or given by a test)."""

    def __init__(self, database: Database | None) -> None:
        self.database = database

    def get(self) -> Database:
        if self.database is None:
            raise RuntimeError("the database is not connected yet")
        return self.database


class GraphQLApp(GraphQL[Context, None]):
    """Strawberry's ASGI view with our context and the vendored GraphiQL page."""

    def __init__(self, holder: DatabaseHolder, settings: Settings) -> None:
        super().__init__(
            create_schema(settings),
            graphql_ide="graphiql" if settings.graphiql_enabled else None,
            allow_queries_via_get=False,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            # Browsers send Origin on websocket upgrades and CORS does not apply to them:
            # cross-site pages are refused unless allowlisted (same-origin always passes).
            allowed_origins=settings.allowed_origins,
            # importData takes files (GraphQL multipart request spec); UploadPreflight
            # keeps cross-site forms out.
            multipart_uploads_enabled=True,
        )
        self.holder = holder
        self.settings = settings
        self._graphiql_html = graphiql_html()

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        # On a websocket, credentials come later in connection_params (see Context).
        authorization = (
            None if isinstance(request, WebSocket) else request.headers.get("authorization")
        )
        return Context(self.holder.get().db, self.settings, authorization=authorization)

    def decode_json(self, data: str | bytes) -> object:
        # Strawberry turns JSON syntax errors into 400 but lets bad UTF-8 (and JSON nested
        # too deep for the decoder) escape as a 500.
        try:
            return json.loads(data)
        except UnicodeDecodeError as error:
            raise json.JSONDecodeError("request body is not UTF-8", "", 0) from error
        except RecursionError as error:
            raise json.JSONDecodeError("request body is nested too deep", "", 0) from error

    async def parse_http_body(self, request: AsyncHTTPRequestAdapter) -> Any:
        """Strawberry expects the JSON body (or the multipart ``operations`` and ``map``) to
        be objects and fails with a 500 on anything else: refuse those shapes as 400s."""
        try:
            return await super().parse_http_body(request)
        except (HTTPException, json.JSONDecodeError):
            raise
        except (AttributeError, TypeError, ValueError) as error:
            raise HTTPException(400, NOT_A_REQUEST) from error

    async def run(
        self, request: Request | WebSocket, context: Any = UNSET, root_value: Any = UNSET
    ) -> Any:
        """Refusals before GraphQL runs (bad JSON, wrong body shape) in GraphQL's error shape,
        as every other error the API sends; and the uploaded files closed once answered (a
        request refused before its resolver ran would leave them open)."""
        try:
            response = await super().run(request, context, root_value)
        except HTTPException as error:
            response = JSONResponse(
                {"errors": [{"message": error.reason, "extensions": {"code": "BAD_REQUEST"}}]},
                status_code=error.status_code,
            )
        if isinstance(request, Request) and not isinstance(response, StreamingResponse):
            await request.close()
        return response

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        return HTMLResponse(self._graphiql_html)


async def healthz(_: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


def create_app(
    settings: Settings | None = None,
    database: Database | None = None,
    *,
    seed_if_empty: bool = False,
    listeners: Sequence[CommandListener] = (),
) -> Starlette:
    """The app. With ``database`` given, the caller owns the connection (tests do this);
    otherwise the lifespan connects, with ``listeners`` watching every command.

    ``seed_if_empty`` loads the demo data at start-up when the store has no customers.
    """
    settings = settings or Settings()
    holder = DatabaseHolder(database)
    capacity: list[CapacityWatch] = []  # set by the lifespan on the embedded store

    async def readyz(_: Request) -> JSONResponse:
        try:
            await holder.get().ping()
        except Exception as error:  # any failure means "not ready"; say which
            return JSONResponse({"status": "unavailable", "error": type(error).__name__}, 503)
        warnings = [text for watch in capacity for text in watch.warnings]
        return JSONResponse({"status": "ok", **({"warnings": warnings} if warnings else {})})

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        owned = holder.database is None
        if owned:
            holder.database = await Database.connect(settings, listeners)
        db = holder.get()
        await db.ensure_indexes(REPOSITORIES)
        if settings.anonymous_is_admin:
            log.warning(
                "development mode on %s: callers without credentials act as ADMIN", settings.host
            )
        await WarehouseRepository(db.db).ensure(default_warehouse(datetime.now(UTC)))
        if await TagRepository(db.db).ensure_defaults(datetime.now(UTC)):
            log.info("loaded the default feedback taxonomy")
        if await load_defaults(db.db, settings.timezone):
            log.info("loaded the default workflow: teams, SLA policies and rules")
        if seed_if_empty and await CustomerRepository(db.db).is_empty():
            # demo data only for `crm serve --seed-if-empty`
            from app.demo.load import queue_forecasts, seed
            from app.demo.propensity import queue_propensity
            from app.demo.workflow import workflow_demo

            log.info("empty store: loading demo data")
            await seed(db.db)
            await workflow_demo(db.db, settings)
            await queue_forecasts(db.db, settings.timezone)
            await queue_propensity(db.db)
        if await queue_first_training(db.db):
            log.info("queued the first tagger training, on the shipped examples")
        stop = asyncio.Event()
        tasks = []
        if db.embedded is not None:
            capacity.append(CapacityWatch(db.db))
            tasks.append(asyncio.create_task(capacity[0].run(stop)))
        if settings.embedded_worker:
            tasks.append(asyncio.create_task(Worker(db.db, settings, HANDLERS).run(stop)))
            tasks.append(asyncio.create_task(AutoTagger(db.db, settings).run(stop)))
            tasks.append(asyncio.create_task(StockRecovery(db.db).run(stop)))
            sweep = WorkflowSweep(db.db, settings.rule_sweep_seconds)
            tasks.append(asyncio.create_task(sweep.run(stop)))
            tasks.append(asyncio.create_task(WebhookDispatcher(db.db, settings).run(stop)))
            tasks.append(asyncio.create_task(BackupSchedule(db.db, settings).run(stop)))
        try:
            yield
        finally:
            stop.set()
            await stop_within(tasks)
            capacity.clear()
            if owned:
                await db.close()
                holder.database = None

    async def export_download(request: Request) -> Response:
        return await download(request, holder.get().db, settings)

    graphql_app = GraphQLApp(holder, settings)
    routes: list[BaseRoute] = [
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/graphql", graphql_app, methods=["GET", "POST"]),
        Route("/exports/{file_id}", export_download, methods=["GET"]),
        WebSocketRoute("/graphql", graphql_app),
    ]
    if settings.graphiql_enabled:
        routes.append(Mount("/static/graphiql", StaticFiles(directory=STATIC_DIR)))
    middleware = [
        Middleware(RequestContext),
        Middleware(UploadPreflight),
        Middleware(
            BodySizeLimit,
            max_bytes=settings.max_body_bytes,
            max_upload_bytes=settings.max_upload_bytes,
        ),
    ]
    if settings.allowed_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=settings.allowed_origins,
                allow_methods=["GET", "POST"],
                allow_headers=["authorization", "content-type", "x-request-id"],
                expose_headers=["x-request-id"],
                max_age=600,
            )
        )
    return Starlette(routes=routes, lifespan=lifespan, middleware=middleware)
