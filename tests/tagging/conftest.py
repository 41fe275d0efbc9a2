"""Helpers for the tagging tests: the job query with every tagging result, and automatic
tagging run the way a worker process would."""

from __future__ import annotations

from app.core.db import Database
from app.core.settings import Settings
from app.tagging.auto import AutoTagger

JOB = """query($id: ID!) { job(id: $id) { status error { code message } result {
    ... on FeedbackTaggingResult { matched tagged agentTagsKept }
    ... on TaggerTrainingResult { activated model { version active } }
    ... on TopicDiscoveryResult { ticketsConsidered suggestions { suggestedName size
        terms { language terms } exampleTickets { number subject } } } } } }"""


async def tag_pending(database: Database) -> int:
    tagger = AutoTagger(database.db, Settings(job_poll_seconds=0.05))
    total = 0
    while tagged := await tagger.run_once():
        total += tagged
    return total
