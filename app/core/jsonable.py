"""BSON values as JSON holds them, for documents that leave the database as JSON (webhook
payloads, privacy exports): IDs as strings, times in ISO 8601 UTC, decimals as strings,
bytes in base64."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from bson import Decimal128, ObjectId


def json_scalar(value: Any) -> Any:
    """``value`` in a JSON type when it is one of the BSON types above; else unchanged."""
    if isinstance(value, ObjectId):
        return str(value)
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, Decimal128 | Decimal):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value
