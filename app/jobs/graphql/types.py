"""The Job type; its ``result`` is the union of the result types the domains registered."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from bson import ObjectId

from app.core.db import Document
from app.graphql.context import Info
from app.graphql.relay import Node, encode_id, register_node
from app.jobs import registry
from app.jobs.models import TYPE_NAME, JobKind, JobStatus
from app.jobs.repository import JobRepository

if TYPE_CHECKING:
    JobResult = Any  # the union of the domains' results, which app.schema assembles

strawberry.enum(JobKind, description="What a job does.")
strawberry.enum(
    JobStatus, description="Where a job stands; SUCCEEDED, FAILED and CANCELLED are final."
)


@strawberry.type
class JobProgress:
    done: int
    total: int | None
    message: str | None

    @strawberry.field(description="done / total, when the total is known.")
    def fraction(self) -> float | None:
        return min(self.done / self.total, 1.0) if self.total else None


@strawberry.type
class JobError:
    code: str
    message: str


@strawberry.type(description="Long work started by a mutation; follow it by id or jobProgress.")
class Job(Node):
    id: strawberry.ID
    kind: JobKind
    status: JobStatus
    progress: JobProgress
    attempts: int
    max_attempts: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    error: JobError | None
    cancel_requested: bool
    result_document: strawberry.Private[Document | None]

    @classmethod
    def from_document(cls, doc: Document) -> Job:
        progress = doc.get("progress") or {}
        error = doc.get("error")
        return cls(
            id=encode_id(TYPE_NAME, doc["_id"]),
            kind=JobKind(doc["kind"]),
            status=JobStatus(doc["status"]),
            progress=JobProgress(
                done=progress.get("done", 0),
                total=progress.get("total"),
                message=progress.get("message"),
            ),
            attempts=doc["attempts"],
            max_attempts=doc["maxAttempts"],
            created_at=doc["createdAt"],
            started_at=doc.get("startedAt"),
            finished_at=doc.get("finishedAt"),
            error=JobError(code=error["code"], message=error["message"]) if error else None,
            cancel_requested=doc.get("cancelRequested", False),
            result_document=doc.get("result"),
        )

    @strawberry.field(description="Set when the job SUCCEEDED.")
    def result(self) -> Annotated[JobResult, strawberry.lazy("app.schema")] | None:
        if self.status is not JobStatus.SUCCEEDED or not self.result_document:
            return None
        return registry.result(self.kind, self.result_document)


async def _load(info: Info, object_id: ObjectId) -> Document | None:
    return await info.context.get(JobRepository).get(object_id)


register_node(TYPE_NAME, Job.from_document, _load)
