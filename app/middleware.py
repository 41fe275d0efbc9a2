"""ASGI middleware: request ids, the request body size limit, and the preflight header
uploads need."""

from __future__ import annotations

import json
import logging

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core import logs

log = logging.getLogger(__name__)

PREFLIGHT_HEADERS = ("apollo-require-preflight", "x-apollo-operation-name", "graphql-preflight")


class RequestTooLarge(Exception):
    """The body grew past the limit while streaming in."""


async def send_error(send: Send, status: int, message: str, code: str) -> None:
    """A GraphQL-shaped error response sent before the request reaches GraphQL."""
    body = json.dumps({"errors": [{"message": message, "extensions": {"code": code}}]}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": body})


def is_multipart(headers: Headers) -> bool:
    return headers.get("content-type", "").startswith("multipart/form-data")


class RequestContext:
    """Give each request (each websocket connection) its id, for every log line it causes and
    for the client in ``X-Request-Id``; a client's own id is kept if it is plain. A client that
    goes away mid-request is expected: a DEBUG line, not an error."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        given = Headers(scope=scope).get("x-request-id", "")
        rid = given if logs.CLIENT_REQUEST_ID.fullmatch(given) else logs.new_request_id()
        logs.request_id.set(rid)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).append("x-request-id", rid)
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except ClientDisconnect:
            log.debug("the client went away before sending its whole request")


class BodySizeLimit:
    """Refuse request bodies over the limit with 413, before they reach GraphQL. Multipart
    requests carry import files and get the (larger) upload limit."""

    def __init__(self, app: ASGIApp, max_bytes: int, max_upload_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_upload_bytes = max_upload_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        limit = self.max_upload_bytes + 100_000 if is_multipart(headers) else self.max_bytes
        message = f"Request body over {limit} bytes."
        declared = headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await send_error(send, 413, message, "REQUEST_TOO_LARGE")
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise RequestTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except RequestTooLarge:
            if not started:
                await send_error(send, 413, message, "REQUEST_TOO_LARGE")


class UploadPreflight:
    """A browser on another site can send a multipart form without asking first, and in local
    development anonymous callers are admins. Multipart requests must therefore carry a custom
    header (as Apollo's clients do), which no cross-site form can add without a CORS preflight."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = Headers(scope=scope)
            if is_multipart(headers) and not any(h in headers for h in PREFLIGHT_HEADERS):
                message = "Uploads need the header 'Apollo-Require-Preflight: true'."
                await send_error(send, 400, message, "PREFLIGHT_REQUIRED")
                return
        await self.app(scope, receive, send)
