"""The tag taxonomy's storage: the shipped tags go into an empty collection once, however many
processes start together, and never over what users changed."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from app.core.db import Database
from app.tagging.repository import TagRepository
from app.tagging.seed import default_taxonomy


async def test_processes_starting_together_add_each_shipped_tag_once(database: Database) -> None:
    tags = database.db["tags"]
    await tags.delete_many({})
    repository = TagRepository(database.db)
    now = datetime.now(UTC)
    added = await asyncio.gather(*(repository.ensure_defaults(now) for _ in range(4)))
    shipped = len(default_taxonomy())
    assert sum(added) == shipped
    assert await tags.count_documents({}) == shipped
    assert len(await tags.distinct("name")) == shipped


async def test_the_shipped_tags_never_overwrite_what_users_changed(database: Database) -> None:
    tags = database.db["tags"]
    name = default_taxonomy()[0]["name"]
    await tags.update_one({"name": name}, {"$set": {"archived": True}})
    await tags.delete_many({"name": {"$ne": name}})
    assert await TagRepository(database.db).ensure_defaults(datetime.now(UTC)) == 0
    assert await tags.count_documents({}) == 1
    assert (await tags.find_one({"name": name}))["archived"] is True
