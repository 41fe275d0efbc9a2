"""startTaggerTraining: a version is stored with its scores and activated only if it beats the
active one; every process then tags with the active version."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app.core.settings import Settings
from app.jobs.context import JobContext
from app.jobs.models import JobKind
from app.jobs.repository import JobRepository
from app.jobs.worker import Worker
from app.schema import HANDLERS
from app.tagging import topic_model
from app.tagging.jobs import queue_first_training, run_tagger_training
from app.tagging.repository import MODEL_BUCKET, TaggerModelRepository
from tests import factories
from tests.conftest import GraphQLClient, run_job, run_jobs
from tests.tagging.conftest import JOB, tag_pending

TRAIN = """mutation($input: StartTaggerTrainingInput) { startTaggerTraining(input: $input) {
    job { id } userErrors { field code message } } }"""
MODELS = """{ taggerModels(first: 10) { totalCount edges { node {
    version active activatedAt threshold learnedTags shippedExamples agentExamples
    trainingExamples heldOutExamples comparedWithVersion
    tagThresholds { tag threshold } fallbackThreshold
    evaluation { macroF1 microF1 examples tags { tag precision recall f1 support } }
    comparedEvaluation { macroF1 } } } } }"""
TICKET = """query($id: ID!) { ticket(id: $id) { tags { name source confidence } } }"""
SET_TAGS = """mutation($id: ID!, $tags: [String!]!) { setTicketTags(ticketId: $id, tags: $tags) {
    userErrors { code } } }"""


async def train(gql: GraphQLClient, regularization: float, mp: pytest.MonkeyPatch) -> Any:
    mp.setattr(topic_model, "REGULARIZATION", regularization)
    return await run_job(gql, JOB, TRAIN)


async def models(gql: GraphQLClient) -> dict[int, dict[str, Any]]:
    edges = (await gql(MODELS))["taggerModels"]["edges"]
    return {edge["node"]["version"]: edge["node"] for edge in edges}


async def test_only_a_better_version_is_activated(
    gql: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # v1 (much more regularised) has only the keyword rules to beat; on the shipped data it does.
    v1 = await train(gql, 0.1, monkeypatch)
    assert v1 == {"activated": True, "model": {"version": 1, "active": True}}
    # v2 (fitted as shipped) beats v1 on the same held-out examples: it takes over.
    v2 = await train(gql, topic_model.REGULARIZATION_DEFAULT, monkeypatch)
    assert v2 == {"activated": True, "model": {"version": 2, "active": True}}
    # v3 (badly underfitted) is worse than v2: stored, not activated.
    v3 = await train(gql, 0.001, monkeypatch)
    assert v3 == {"activated": False, "model": {"version": 3, "active": False}}
    # v4 is v2 again: no better than the active one, so v2 stays.
    v4 = await train(gql, topic_model.REGULARIZATION_DEFAULT, monkeypatch)
    assert v4["activated"] is False

    listed = await models(gql)
    assert [version for version, node in listed.items() if node["active"]] == [2]
    assert listed[1]["comparedWithVersion"] is None  # the keyword rules
    assert listed[2]["comparedWithVersion"] == 1
    assert listed[3]["comparedWithVersion"] == listed[4]["comparedWithVersion"] == 2
    for node in listed.values():
        scores = node["evaluation"]
        compared = node["comparedEvaluation"]["macroF1"]
        assert (node["activatedAt"] is not None) == (scores["macroF1"] > compared)
        assert 0 <= scores["microF1"] <= 1
        assert {t["tag"] for t in scores["tags"]} == set(node["learnedTags"])
        assert all(0 <= t["precision"] <= 1 and 0 <= t["recall"] <= 1 for t in scores["tags"])
        assert [t["tag"] for t in node["tagThresholds"]] == node["learnedTags"]
        assert all(0 < t["threshold"] < 1 for t in node["tagThresholds"])
        assert node["fallbackThreshold"] is None or 0 < node["fallbackThreshold"] < 1
        assert node["trainingExamples"] + node["heldOutExamples"] == node["shippedExamples"]
        assert node["heldOutExamples"] == scores["examples"] > 30
    assert listed[2]["evaluation"]["macroF1"] == listed[4]["evaluation"]["macroF1"]
    assert listed[3]["evaluation"]["macroF1"] < listed[2]["evaluation"]["macroF1"]


async def test_the_active_version_tags_new_tickets_and_agent_examples_train_the_next(
    gql: GraphQLClient,
) -> None:
    result = await run_job(gql, JOB, TRAIN, input={"idempotencyKey": "t-1"})
    assert result["activated"] is True
    ada = await factories.customer(gql)
    created = await factories.ticket(
        gql, ada["id"], subject="Refund", body="I sent the jacket back, where is my refund?"
    )
    await tag_pending(gql.database)
    tags = (await gql(TICKET, id=created["id"]))["ticket"]["tags"]
    assert tags
    assert tags[0]["name"] == "returns-refunds"
    assert tags[0]["source"] == "MODEL"
    assert all(tag["source"] == "MODEL" for tag in tags)  # every default tag was learned

    await gql(SET_TAGS, id=created["id"], tags=["returns-refunds", "delivery-shipping"])
    result = await run_job(gql, JOB, TRAIN, input={"idempotencyKey": "t-2"})
    listed = await models(gql)
    assert listed[2]["agentExamples"] == 1
    # The same key returns the same job: no third version.
    await run_job(gql, JOB, TRAIN, input={"idempotencyKey": "t-2"})
    assert set(await models(gql)) == {1, 2}


async def test_a_better_version_saved_before_a_crash_is_activated_by_the_retry(
    gql: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    activate = TaggerModelRepository.activate

    async def crash(self: TaggerModelRepository, *args: Any) -> None:
        raise ConnectionError("the worker died here")

    monkeypatch.setattr(TaggerModelRepository, "activate", crash)
    data = await gql(TRAIN, input={})
    job_id = data["startTaggerTraining"]["job"]["id"]
    settings = gql.settings.model_copy(update={"job_retry_base_seconds": 0})
    worker = Worker(gql.database.db, settings, HANDLERS)
    assert await worker.run_once()  # the attempt saves v1, then dies
    monkeypatch.setattr(TaggerModelRepository, "activate", activate)
    assert await worker.run_once()  # the retry finds v1 saved and finishes the step
    job = (await gql("query($id: ID!) { job(id: $id) { status attempts } }", id=job_id))["job"]
    assert job == {"status": "SUCCEEDED", "attempts": 2}
    assert (await models(gql))[1]["active"] is True


class NoCheckpoints(JobContext):
    """An attempt between checkpoints: nothing tells it that its lease lapsed."""

    async def progress(
        self, done: int, total: int | None = None, message: str | None = None
    ) -> None:
        return None


async def test_two_attempts_of_one_job_save_one_version(gql: GraphQLClient) -> None:
    queue = JobRepository(gql.database.db)
    await queue.enqueue(JobKind.TAGGER_TRAINING, {}, datetime.now(UTC))
    job = await queue.claim("first", timedelta(seconds=30))
    assert job is not None
    db, settings = gql.database.db, gql.settings
    stale = NoCheckpoints(job, db, settings, queue, "first")
    taken_over = NoCheckpoints(
        {**job, "workerId": "second", "attempts": 2}, db, settings, queue, "second"
    )

    results = await asyncio.gather(run_tagger_training(stale), run_tagger_training(taken_over))

    assert results[0]["modelId"] == results[1]["modelId"]
    assert set(await models(gql)) == {1}
    assert await db[f"{MODEL_BUCKET}.files"].count_documents({}) == 1  # no orphaned weights


async def test_a_database_that_never_trained_gets_its_first_training_once(
    gql: GraphQLClient, settings: Settings
) -> None:
    db = gql.database.db
    assert await queue_first_training(db) is True
    assert await queue_first_training(db) is False  # queued already
    await run_jobs(gql.database, settings)
    assert (await models(gql))[1]["active"] is True  # learned from the shipped examples
    assert await queue_first_training(db) is False  # a version exists
    assert await db["jobs"].count_documents({"kind": JobKind.TAGGER_TRAINING.value}) == 1


async def test_a_failed_first_training_is_not_queued_again(gql: GraphQLClient) -> None:
    db = gql.database.db
    await JobRepository(db).enqueue(JobKind.TAGGER_TRAINING, {}, datetime.now(UTC))
    await db["jobs"].update_one({}, {"$set": {"status": "FAILED"}})
    assert await queue_first_training(db) is False
