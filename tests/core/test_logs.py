"""Logs: one line per event with time, level, logger, request id and job id; JSON on request;
a client that goes away is a DEBUG line, not an error."""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from app.asgi import create_app
from app.core import logs
from app.core.db import Database, Document
from app.core.settings import Settings
from app.graphql.context import Context
from app.jobs.context import JobContext
from app.jobs.models import JobKind
from app.jobs.repository import JobRepository
from app.jobs.worker import Worker

TEXT_LINE = re.compile(
    r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (?P<level>[A-Z]+) (?P<logger>\S+)"
    r"(?: \[(?P<ids>[^\]]+)\])? (?P<message>.*)"
)


class Lines(logging.Handler):
    """The formatted lines, as the configured handler would write them."""

    def __init__(self, formatter: logging.Formatter) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(formatter)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def text() -> Iterator[Lines]:
    handler = Lines(logs.TextFormatter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(level)


def failing_record() -> logging.LogRecord:
    try:
        raise ValueError("bad\nvalue")
    except ValueError:
        return logging.getLogger("app.x").makeRecord(
            "app.x", logging.ERROR, __file__, 1, "it failed: %s", ("twice",), sys.exc_info()
        )


def test_a_text_line_has_time_level_logger_ids_and_its_traceback_on_one_line() -> None:
    request, job = logs.request_id.set("r-1"), logs.job_id.set("j-2")
    try:
        line = logs.TextFormatter().format(failing_record())
    finally:
        logs.request_id.reset(request)
        logs.job_id.reset(job)
    assert "\n" not in line
    match = TEXT_LINE.fullmatch(line)
    assert match is not None, line
    assert (match["level"], match["logger"], match["ids"]) == (
        "ERROR",
        "app.x",
        "request=r-1 job=j-2",
    )
    assert match["message"].startswith("it failed: twice | Traceback (most recent call last):")
    assert match["message"].endswith("ValueError: bad | value")


def test_a_json_line_is_one_object_with_the_same_fields() -> None:
    token = logs.job_id.set("j-3")
    try:
        line = logs.JsonFormatter().format(failing_record())
    finally:
        logs.job_id.reset(token)
    assert "\n" not in line
    event = json.loads(line)
    assert set(event) == {"time", "level", "logger", "message", "jobId", "exception"}
    assert (event["level"], event["logger"], event["message"]) == (
        "ERROR",
        "app.x",
        "it failed: twice",
    )
    assert datetime.fromisoformat(event["time"]).tzinfo is not None
    assert event["exception"].endswith("ValueError: bad\nvalue")


def test_configure_sends_every_logger_to_one_handler_in_the_chosen_format(
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    try:
        logs.configure("json", "WARNING")
        logging.getLogger("uvicorn.error").warning("from uvicorn")
        logging.getLogger("app.y").info("below the level")
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
    lines = capsys.readouterr().err.splitlines()
    assert [json.loads(line)["message"] for line in lines] == ["from uvicorn"]


async def test_requests_carry_their_id_in_the_header_and_in_every_line(
    settings: Settings, database: Database
) -> None:
    transport = httpx.ASGITransport(app=create_app(settings, database))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        query = {"query": "{ customers(first: 1) { totalCount } }"}
        mine = await http.post("/graphql", json=query, headers={"x-request-id": "trace-7"})
        odd = await http.post("/graphql", json=query, headers={"x-request-id": "no spaces <>"})
        bare = await http.post("/graphql", json=query)
    assert mine.headers["x-request-id"] == "trace-7"
    assert re.fullmatch(r"[0-9a-f]{16}", odd.headers["x-request-id"])
    assert re.fullmatch(r"[0-9a-f]{16}", bare.headers["x-request-id"])
    assert odd.headers["x-request-id"] != bare.headers["x-request-id"]
    # The GraphQL context (and so every error's requestId) uses the same id.
    token = logs.request_id.set("trace-8")
    try:
        assert Context(database.db, settings).request_id == "trace-8"
    finally:
        logs.request_id.reset(token)


async def test_a_client_that_goes_away_is_a_debug_line(
    settings: Settings, database: Database, text: Lines
) -> None:
    app = create_app(settings, database)
    sent: list[dict[str, Any]] = []
    messages = iter([{"type": "http.request", "body": b'{"query":', "more_body": True}])

    async def receive() -> dict[str, Any]:
        return next(messages, {"type": "http.disconnect"})

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"content-type", b"application/json"), (b"host", b"test")],
        "client": ("127.0.0.1", 5000),
        "server": ("test", 80),
        "state": {},
    }
    await app(scope, receive, send)  # raises nothing
    assert sent == []
    parsed = [TEXT_LINE.fullmatch(line) for line in text.lines]
    assert all(m is not None and m["level"] != "ERROR" for m in parsed), text.lines
    assert any(m and m["level"] == "DEBUG" and "went away" in m["message"] for m in parsed)


async def test_a_jobs_lines_carry_its_id(database: Database, text: Lines) -> None:
    job = await JobRepository(database.db).enqueue(JobKind.IMPORT, {}, datetime.now(UTC))

    async def chatty(context: JobContext) -> Document:
        logging.getLogger("app.imports").info("reading")
        return {}

    await Worker(database.db, Settings(), {JobKind.IMPORT: chatty}).run_once()
    line = next(line for line in text.lines if line.endswith(" reading"))
    assert f"[job={job['_id']}]" in line
    assert logs.job_id.get() is None  # the next job's lines are not mislabelled
