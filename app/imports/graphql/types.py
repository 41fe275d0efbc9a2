"""The result of an IMPORT job."""

from __future__ import annotations

import strawberry

from app.core.db import Document
from app.graphql.permissions import MaskFor, Role, mask_emails_in
from app.graphql.types import copied
from app.jobs.models import JobKind
from app.jobs.registry import result_of


async def _message(root: ImportFailure) -> str:
    return root.text


@strawberry.type(description="A failed row of an import file.")
class ImportFailure:
    row: int = strawberry.field(description="Line number in the file (the header is line 1).")
    field: str | None
    code: str
    message: str = strawberry.field(
        resolver=_message,
        description="Email addresses in it are masked for analysts.",
        extensions=[MaskFor(frozenset({Role.ANALYST}), mask_emails_in)],
    )
    text: strawberry.Private[str]


@result_of(JobKind.IMPORT)
@strawberry.type(description="The result of an IMPORT job.")
class ImportResult:
    entity: str
    imported: int = strawberry.field(description="Records created.")
    updated: int = strawberry.field(description="Records that existed and were updated.")
    failed: int = strawberry.field(description="Rows that could not be imported.")
    failures: list[ImportFailure] = strawberry.field(description="The first 100 failed rows.")

    @classmethod
    def from_document(cls, result: Document) -> ImportResult:
        return cls(
            failures=[
                ImportFailure(text=failure["message"], **copied(failure, "row", "field", "code"))
                for failure in result["failures"]
            ],
            **copied(result, "entity", "imported", "updated", "failed"),
        )
