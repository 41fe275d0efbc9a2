"""Helpers for the tagging tests: run pending work the way a worker process would."""

from __future__ import annotations

from typing import Any

from app.core.db import Database
from app.core.settings import Settings
from app.jobs.worker import Worker
from app.schema import HANDLERS
from app.tagging.auto import AutoTagger
from tests.conftest import GraphQLClient

JOB = """query($id: ID!) { job(id: $id) { status error { code message } result {
    ... on FeedbackTaggingResult { matched tagged agentTagsKept }
    ... on TaggerTrainingResult { activated model { version active } }
    ... on TopicDiscoveryResult { ticketsConsidered suggestions { suggestedName size
        terms { language terms } exampleTickets { number subject } } } } } }"""


async def run_jobs(database: Database, settings: Settings) -> None:
    worker = Worker(database.db, settings, HANDLERS)
    while await worker.run_once():
        pass


async def tag_pending(database: Database) -> int:
    tagger = AutoTagger(database.db, Settings(job_poll_seconds=0.05))
    total = 0
    while tagged := await tagger.run_once():
        total += tagged
    return total


async def run_job(gql: GraphQLClient, mutation: str, field: str, **variables: Any) -> Any:
    """Start a job with ``mutation``, run the queue, and return the finished job."""
    data = await gql(mutation, **variables)
    assert data[field]["userErrors"] == [], data[field]["userErrors"]
    await run_jobs(gql.database, gql.settings)
    job = (await gql(JOB, id=data[field]["job"]["id"]))["job"]
    assert job["status"] == "SUCCEEDED", job["error"]
    return job["result"]
