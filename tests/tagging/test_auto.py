"""The automatic tagger keeps moving: a ticket it cannot tag is set aside and recorded, the
others are tagged, and repeated failures back off instead of logging every second."""

from __future__ import annotations

import logging

import pytest

from app.core.settings import Settings
from app.tagging.auto import AutoTagger
from tests import factories
from tests.conftest import GraphQLClient


async def test_a_ticket_that_cannot_be_tagged_does_not_stall_the_others(
    gql: GraphQLClient, caplog: pytest.LogCaptureFixture
) -> None:
    customer = await factories.customer(gql)
    good = [await factories.ticket(gql, customer["id"], subject=f"Late {n}") for n in range(3)]
    bad = await factories.ticket(gql, customer["id"], subject="Broken")
    tickets = gql.database.db["tickets"]
    # A body no tagger can read (written by some other tool).
    await tickets.update_one({"number": bad["number"]}, {"$set": {"body": {"not": "text"}}})
    tagger = AutoTagger(gql.database.db, Settings(job_poll_seconds=0.05))
    with caplog.at_level(logging.WARNING, logger="app.tagging.auto"):
        for _ in range(5):
            await tagger.run_once()
    numbers = [t["number"] for t in good]
    assert await tickets.count_documents({"number": {"$in": numbers}, "tagPending": False}) == 3
    stuck = await tickets.find_one({"number": bad["number"]})
    assert stuck is not None
    assert stuck["tagPending"] is False
    assert "tagError" in stuck
    assert len([r for r in caplog.records if "could not tag" in r.message]) == 1
