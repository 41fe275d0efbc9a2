"""``GET /exports/<id>?token=...``: a signed, expiring, streamed download."""

from __future__ import annotations

from datetime import UTC, datetime

from bson import ObjectId
from bson.errors import InvalidId
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse

from app.core.db import MongoDatabase
from app.core.settings import Settings
from app.exports.files import ExportFiles
from app.exports.tokens import BadToken, signing_key, verify

TYPES = {
    "CSV": "text/csv; charset=utf-8",
    "JSONL": "application/x-ndjson",
    "JSON": "application/json",
}


async def download(request: Request, db: MongoDatabase, settings: Settings) -> Response:
    file_id = request.path_params["file_id"]
    now = datetime.now(UTC)
    try:
        verify(signing_key(settings), file_id, request.query_params.get("token", ""), now)
        oid = ObjectId(file_id)
    except BadToken as error:
        return PlainTextResponse(str(error), status_code=error.status)
    except InvalidId:
        return PlainTextResponse("No such export.", status_code=404)
    files = ExportFiles(db)
    info = await files.info(oid)
    if info is None:
        return PlainTextResponse("This export is gone; start a new one.", status_code=410)
    file_format = (info.get("metadata") or {}).get("format", "JSON")
    headers = {
        "content-disposition": f'attachment; filename="{info["filename"]}"',
        "content-length": str(info["length"]),
    }
    return StreamingResponse(files.stream(oid), media_type=TYPES[file_format], headers=headers)
