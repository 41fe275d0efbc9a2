"""What a BACKUP job wrote."""

from __future__ import annotations

import strawberry

from app.core.db import Document
from app.jobs.models import JobKind
from app.jobs.registry import result_of


@result_of(JobKind.BACKUP)
@strawberry.type(description="What a BACKUP job wrote.")
class BackupResult:
    path: str = strawberry.field(description="The archive, on the machine of the worker.")
    documents: int
    bytes: float = strawberry.field(description="The archive's size.")
    collections: int
    consistency: str = strawberry.field(
        description="How the copy is one point in time (snapshot), or why it is not."
    )
    pruned: list[str] = strawberry.field(description="Older archives deleted (CRM_BACKUP_KEEP).")

    @classmethod
    def from_document(cls, doc: Document) -> BackupResult:
        return cls(
            path=doc["path"],
            documents=doc["documents"],
            bytes=doc["bytes"],
            collections=doc["collections"],
            consistency=doc["consistency"],
            pruned=list(doc.get("pruned", [])),
        )
