"""Job types, ``job``/``jobs`` queries, ``cancelJob``, and the ``jobProgress`` subscription."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from bson import ObjectId

from app.core.db import Document
from app.core.errors import ErrorCode, InputError
from app.graphql.common import QueryBuilder, UserError
from app.graphql.context import Info
from app.graphql.mutations import Target, run_mutation
from app.graphql.pagination import Connection, page_request, top_level_connection
from app.graphql.permissions import CRM_WRITERS, EVERYONE, allow
from app.graphql.relay import Node, decode_id_or_raise, decode_input_id, encode_id
from app.jobs.models import TERMINAL, JobKind, JobStatus
from app.jobs.queue import JobRepository

if TYPE_CHECKING:
    from app.segmentation.graphql import SegmentationRun
    from app.tagging.graphql import TaggerModel
    from app.tickets.graphql import Ticket

TYPE_NAME = "Job"
POLL_SECONDS = 0.5
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


@strawberry.type(description="The result of a SEGMENTATION job.")
class SegmentationResult:
    run_id: strawberry.Private[ObjectId]

    @strawberry.field
    async def run(
        self, info: Info
    ) -> Annotated[SegmentationRun, strawberry.lazy("app.segmentation.graphql")] | None:
        from app.segmentation.graphql import load_run

        return await load_run(info, self.run_id)


@strawberry.type(description="A failed row of an import file.")
class ImportFailure:
    row: int = strawberry.field(description="Line number in the file (the header is line 1).")
    field: str | None
    code: str
    message: str


@strawberry.type(description="The result of an IMPORT job.")
class ImportResult:
    entity: str
    imported: int = strawberry.field(description="Records created.")
    updated: int = strawberry.field(description="Records that existed and were updated.")
    failed: int = strawberry.field(description="Rows that could not be imported.")
    failures: list[ImportFailure] = strawberry.field(description="The first 100 failed rows.")


@strawberry.type(description="The result of a FEEDBACK_TAGGING job.")
class FeedbackTaggingResult:
    matched: int = strawberry.field(description="Tickets the filter matched.")
    tagged: int = strawberry.field(description="Tickets written (sentiment, language, tags).")
    agent_tags_kept: int = strawberry.field(description="Tickets whose agent tags were kept.")


@strawberry.type(description="The result of a TAGGER_TRAINING job.")
class TaggerTrainingResult:
    activated: bool = strawberry.field(
        description="True if the new version beat the active one and replaced it."
    )
    model_id: strawberry.Private[ObjectId]

    @strawberry.field
    async def model(
        self, info: Info
    ) -> Annotated[TaggerModel, strawberry.lazy("app.tagging.graphql")] | None:
        from app.tagging.graphql import load_tagger_model

        return await load_tagger_model(info, self.model_id)


@strawberry.type(description="Top terms of a suggested topic in one language.")
class LanguageTerms:
    language: str
    terms: list[str]


@strawberry.type(description="A cluster of feedback no tag fits well: a candidate new tag.")
class TopicSuggestion:
    suggested_name: str
    size: int = strawberry.field(description="Tickets in the cluster.")
    terms: list[LanguageTerms]
    ticket_ids: strawberry.Private[list[ObjectId]]

    @strawberry.field(description="The tickets closest to the cluster's centre.")
    async def example_tickets(
        self, info: Info
    ) -> list[Annotated[Ticket, strawberry.lazy("app.tickets.graphql")]]:
        from app.tickets.graphql import load_ticket

        tickets = [await load_ticket(info, ticket_id) for ticket_id in self.ticket_ids]
        return [ticket for ticket in tickets if ticket is not None]


@strawberry.type(description="The result of a TOPIC_DISCOVERY job.")
class TopicDiscoveryResult:
    since: datetime
    tickets_considered: int = strawberry.field(
        description="Tagged tickets since `since` whose best tag is below 0.6 confidence."
    )
    suggestions: list[TopicSuggestion] = strawberry.field(description="Largest first.")


JobResult = Annotated[
    SegmentationResult
    | ImportResult
    | FeedbackTaggingResult
    | TaggerTrainingResult
    | TopicDiscoveryResult,
    strawberry.union("JobResult", description="Per kind."),
]


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
    def result(self) -> JobResult | None:
        if self.status is not JobStatus.SUCCEEDED or not self.result_document:
            return None
        result = self.result_document
        if self.kind is JobKind.SEGMENTATION:
            return SegmentationResult(run_id=result["runId"])
        if self.kind is JobKind.IMPORT:
            return ImportResult(
                entity=result["entity"],
                imported=result["imported"],
                updated=result["updated"],
                failed=result["failed"],
                failures=[ImportFailure(**failure) for failure in result["failures"]],
            )
        if self.kind is JobKind.FEEDBACK_TAGGING:
            return FeedbackTaggingResult(
                matched=result["matched"],
                tagged=result["tagged"],
                agent_tags_kept=result["agentTagsKept"],
            )
        if self.kind is JobKind.TAGGER_TRAINING:
            return TaggerTrainingResult(activated=result["activated"], model_id=result["modelId"])
        if self.kind is JobKind.TOPIC_DISCOVERY:
            return TopicDiscoveryResult(
                since=result["since"],
                tickets_considered=result["considered"],
                suggestions=[
                    TopicSuggestion(
                        suggested_name=s["name"],
                        size=s["size"],
                        terms=[
                            LanguageTerms(language=language, terms=terms)
                            for language, terms in s["terms"].items()
                            if terms
                        ],
                        ticket_ids=s["ticketIds"],
                    )
                    for s in result["suggestions"]
                ],
            )
        return None


async def load_job(info: Info, object_id: ObjectId) -> Job | None:
    doc = await info.context.get(JobRepository).get(object_id)
    return Job.from_document(doc) if doc else None


@strawberry.input
class JobFilter:
    kind: list[JobKind] | None = None
    status: list[JobStatus] | None = None

    def to_query(self) -> dict[str, Any]:
        query = QueryBuilder()
        query.one_of("kind", self.kind, "kind")
        query.one_of("status", self.status, "status")
        return query.build()


@strawberry.type(description="The job, or why nothing was started or changed.")
class JobPayload:
    job: Job | None
    user_errors: list[UserError]


NODE = (Job.from_document, TYPE_NAME)


async def start_job(
    info: Info, kind: JobKind, params: Document, idempotency_key: str | None
) -> JobPayload:
    """Enqueue a job (or return the one started with the same idempotency key)."""
    repository = info.context.get(JobRepository)

    async def enqueue() -> Document:
        key = idempotency_key.strip() if idempotency_key else None
        if key is not None and not 0 < len(key) <= 200:
            raise InputError.one(
                "idempotencyKey", ErrorCode.OUT_OF_RANGE, "Use 1 to 200 characters."
            )
        return await repository.enqueue(kind, params, datetime.now(UTC), idempotency_key=key)

    return await run_mutation(info, JobPayload, "job", enqueue, *NODE)


@strawberry.type
class JobQuery:
    @strawberry.field(extensions=[allow(EVERYONE)])
    async def job(self, info: Info, id: strawberry.ID) -> Job | None:
        return await load_job(info, decode_id_or_raise(id, TYPE_NAME))

    @strawberry.field(description="Jobs, newest first.", extensions=[allow(EVERYONE)])
    async def jobs(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: JobFilter | None = None,
    ) -> Connection[Job]:
        request = page_request(first, after, last, before)
        query = (filter or JobFilter()).to_query()
        repository = info.context.get(JobRepository)
        return await top_level_connection(
            repository, query, [("createdAt", -1)], request, Job.from_document
        )


@strawberry.type
class JobMutation:
    @strawberry.mutation(
        description="Cancel a queued job, or stop a running one at its next checkpoint.",
        extensions=[allow(CRM_WRITERS)],
    )
    async def cancel_job(self, info: Info, id: strawberry.ID) -> JobPayload:
        repository = info.context.get(JobRepository)

        async def cancel() -> Document:
            object_id = decode_input_id(id, TYPE_NAME, "id")
            job = await repository.cancel(object_id, datetime.now(UTC))
            if job is not None:
                return job
            if await repository.get(object_id) is None:
                raise InputError.one("id", ErrorCode.NOT_FOUND, "No job has this ID.")
            raise InputError.one("id", ErrorCode.INVALID_TRANSITION, "The job has already ended.")

        return await run_mutation(
            info, JobPayload, "job", cancel, *NODE, target=Target(JobRepository, id)
        )


@strawberry.type
class JobSubscription:
    @strawberry.subscription(
        description="The job on every change, until it ends; works whichever process runs it.",
        extensions=[allow(EVERYONE)],
    )
    async def job_progress(self, info: Info, id: strawberry.ID) -> AsyncGenerator[Job]:
        # Polling the job document works on any deployment (change streams need a replica set).
        object_id = decode_id_or_raise(id, TYPE_NAME)
        repository = info.context.get(JobRepository)
        last_seen = None
        while True:
            doc = await repository.get(object_id)
            if doc is None:
                return
            if doc["updatedAt"] != last_seen:
                last_seen = doc["updatedAt"]
                yield Job.from_document(doc)
            if JobStatus(doc["status"]) in TERMINAL:
                return
            await asyncio.sleep(POLL_SECONDS)
