"""Logging: one line per event with its time, level, logger, request id and job id.

Readable text by default, JSON lines with ``CRM_LOG_FORMAT=json`` (for a log shipper). The ids
come from context variables: the request middleware sets the request's, the worker the job's,
so every line a request or a job causes carries them without being passed around.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import traceback
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Literal

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
job_id: ContextVar[str | None] = ContextVar("job_id", default=None)

# What a client or proxy may send as X-Request-Id and have kept: short, plain characters.
CLIENT_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def new_request_id() -> str:
    return uuid.uuid4().hex[:16]


def _time(record: logging.LogRecord) -> str:
    moment = datetime.fromtimestamp(record.created, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _exception(record: logging.LogRecord) -> str | None:
    if record.exc_info and record.exc_info[0] is not None:
        return "".join(traceback.format_exception(*record.exc_info)).rstrip()
    if record.stack_info:
        return record.stack_info
    return None


class TextFormatter(logging.Formatter):
    """``2026-12-02T01:21:03.123Z INFO app.asgi [request=… job=…] message``, on one line: a
    traceback follows the message with its line breaks shown as `` | ``."""

    def format(self, record: logging.LogRecord) -> str:
        ids = [f"request={rid}" for rid in [request_id.get()] if rid]
        ids += [f"job={jid}" for jid in [job_id.get()] if jid]
        parts = [_time(record), record.levelname, record.name]
        if ids:
            parts.append(f"[{' '.join(ids)}]")
        line = " ".join([*parts, record.getMessage()])
        problem = _exception(record)
        if problem:
            line = f"{line} | {problem}"
        return line.replace("\r", "").replace("\n", " | ")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, requestId, jobId, exception."""

    def format(self, record: logging.LogRecord) -> str:
        event: dict[str, str] = {
            "time": _time(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if rid := request_id.get():
            event["requestId"] = rid
        if jid := job_id.get():
            event["jobId"] = jid
        if problem := _exception(record):
            event["exception"] = problem
        return json.dumps(event, ensure_ascii=False)


def configure(log_format: Literal["text", "json"], level: str = "INFO") -> None:
    """Send every logger (uvicorn's too) to standard error in the chosen format."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
