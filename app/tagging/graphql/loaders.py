"""Tags and tagger versions by ID, and the active version, batched per request."""

from __future__ import annotations

from bson import ObjectId

from app.core.db import Document
from app.graphql.connections import load_by_id
from app.graphql.context import Info
from app.tagging.repository import TaggerModelRepository, TagRepository


async def tag(info: Info, object_id: ObjectId) -> Document | None:
    return await load_by_id(info.context, TagRepository, object_id)


async def tagger_model(info: Info, object_id: ObjectId) -> Document | None:
    return await load_by_id(info.context, TaggerModelRepository, object_id)


async def active_model_id(info: Info) -> ObjectId | None:
    async def load(keys: list[str]) -> list[ObjectId | None]:
        active = await info.context.get(TaggerModelRepository).active()
        return [active["_id"] if active else None for _ in keys]

    result: ObjectId | None = await info.context.loader("activeTagger", load).load("active")
    return result
