"""The result of an EXPORT job."""

from __future__ import annotations

from datetime import datetime

import strawberry

from app.core.db import Document
from app.graphql.types import copied
from app.jobs.models import JobKind
from app.jobs.registry import result_of


@result_of(JobKind.EXPORT)
@strawberry.type(description="The result of an EXPORT job: a file behind a signed link.")
class ExportResult:
    entity: str
    format: str
    rows: int
    bytes: int
    expires_at: datetime
    url: str = strawberry.field(description="`/exports/<id>?token=...`, valid until expiresAt.")

    @classmethod
    def from_document(cls, result: Document) -> ExportResult:
        return cls(
            expires_at=result["expiresAt"],
            **copied(result, "entity", "format", "rows", "bytes", "url"),
        )
