"""The taxonomy (``tags``), tagger model versions (``tagger_models`` + GridFS), and the
examples agents confirmed (``tagging_examples``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bson import ObjectId
from gridfs.asynchronous import AsyncGridFSBucket
from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument
from pymongo.errors import BulkWriteError, DuplicateKeyError

from app.core.db import Document, MongoDatabase
from app.core.repository import DUPLICATE_KEY, Repository
from app.tagging.seed import default_taxonomy

MODEL_BUCKET = "tagger_models"


class TagRepository(Repository):
    collection_name = "tags"
    indexes = (
        IndexModel([("name", ASCENDING)], unique=True, name="name_unique"),
        IndexModel([("archived", ASCENDING), ("name", ASCENDING)], name="archived_name"),
    )

    async def ensure_defaults(self, now: datetime) -> int:
        """Load the shipped taxonomy into an empty collection; returns how many were added.

        Only into an empty one: tags the users renamed or archived stay as they left them.
        Two processes starting together are safe: names are unique, and one bulk insert that
        goes on past duplicates adds each tag once.
        """
        if await self.collection.find_one({}, {"_id": 1}, sort=[("name", ASCENDING)]):
            return 0
        tags = [
            {**tag, "archived": False, "createdAt": now, "updatedAt": now}
            for tag in default_taxonomy()
        ]
        try:
            result = await self.collection.insert_many(tags, ordered=False)
        except BulkWriteError as error:
            if any(e["code"] != DUPLICATE_KEY for e in error.details["writeErrors"]):
                raise
            return int(error.details["nInserted"])
        return len(result.inserted_ids)

    async def listing(self, include_archived: bool) -> list[Document]:
        query: Document = {} if include_archived else {"archived": False}
        return await self.collection.find(query).sort("name", ASCENDING).to_list()

    async def active(self) -> list[Document]:
        return await self.listing(include_archived=False)

    async def by_names(self, names: Sequence[str]) -> dict[str, Document]:
        return {doc["name"]: doc for doc in await self.find_in("name", names)}

    async def count_all(self) -> int:
        return await self.collection.count_documents({"name": {"$exists": True}})

    async def insert(self, document: Document) -> Document | None:
        """The new tag, or None when the name is taken."""
        try:
            result = await self.collection.insert_one(document)
        except DuplicateKeyError:
            return None
        return {**document, "_id": result.inserted_id}

    async def update(self, tag_id: ObjectId, changes: Document) -> Document | None:
        """The changed tag; raises DuplicateKeyError when a rename collides."""
        return await self.collection.find_one_and_update(
            {"_id": tag_id}, {"$set": changes}, return_document=ReturnDocument.AFTER
        )


class TaggerModelRepository(Repository):
    """Model versions with their evaluation; the weights live in GridFS. The active model is
    the one activated last (one write activates, so no moment has two or none)."""

    collection_name = "tagger_models"
    indexes = (
        IndexModel([("version", ASCENDING)], unique=True, name="version_unique"),
        IndexModel([("activatedAt", DESCENDING)], name="activatedAt", sparse=True),
        IndexModel([("createdAt", DESCENDING), ("_id", DESCENDING)], name="createdAt_id"),
        # One version per training job: a stale attempt of the job cannot save a second one.
        IndexModel(
            [("jobId", ASCENDING)],
            name="job",
            unique=True,
            partialFilterExpression={"jobId": {"$type": "objectId"}},
        ),
    )

    def __init__(self, db: MongoDatabase) -> None:
        super().__init__(db)
        self.files = AsyncGridFSBucket(db, bucket_name=MODEL_BUCKET)

    async def active(self) -> Document | None:
        return await self.collection.find_one(
            {"activatedAt": {"$type": "date"}}, sort=[("activatedAt", DESCENDING)]
        )

    async def next_version(self) -> int:
        latest = await self.collection.find_one({}, {"version": 1}, sort=[("version", DESCENDING)])
        return (latest["version"] if latest else 0) + 1

    async def by_job(self, job_id: ObjectId) -> Document | None:
        # The query repeats the partial index's filter, so that MongoDB can use the index.
        return await self.collection.find_one({"jobId": {"$eq": job_id, "$type": "objectId"}})

    async def save(self, document: Document, weights: bytes) -> Document | None:
        """Store the weights, then the version; None (and no weights left behind) if the
        version number or the job's version was taken meanwhile by a concurrent save."""
        file_id = await self.files.upload_from_stream(f"tagger-v{document['version']}", weights)
        stored = {**document, "fileId": file_id}
        try:
            result = await self.collection.insert_one(stored)
        except DuplicateKeyError:
            await self.files.delete(file_id)
            return None
        return {**stored, "_id": result.inserted_id}

    async def activate(self, model_id: ObjectId, now: datetime) -> None:
        await self.collection.update_one({"_id": model_id}, {"$set": {"activatedAt": now}})

    async def weights(self, document: Document) -> bytes:
        stream = await self.files.open_download_stream(document["fileId"])
        data: bytes = await stream.read()
        return data


class ExampleRepository(Repository):
    """One training example per ticket an agent tagged: the ticket's text and the agent's
    tags (an empty list says "none of the tags apply", which teaches too)."""

    collection_name = "tagging_examples"
    indexes = (IndexModel([("ticketId", ASCENDING)], unique=True, name="ticket_unique"),)

    async def record(self, ticket_id: ObjectId, text: str, tags: list[str], now: datetime) -> None:
        await self.collection.update_one(
            {"ticketId": ticket_id},
            {
                "$set": {"text": text, "tags": tags, "source": "AGENT", "updatedAt": now},
                "$setOnInsert": {"createdAt": now},
            },
            upsert=True,
        )

    async def everything(self) -> list[Document]:
        # Sorted by the unique index, so the read is index-backed and the order stable.
        cursor = self.collection.find({}, {"ticketId": 1, "text": 1, "tags": 1}).sort(
            "ticketId", ASCENDING
        )
        return await cursor.to_list()


def keywords_of(tags: Sequence[Document]) -> dict[str, dict[str, list[str]]]:
    return {tag["name"]: dict(tag.get("keywords") or {}) for tag in tags}
