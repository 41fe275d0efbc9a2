"""Text search as the app uses it: any of the words, case-insensitive, no stemming (language
"none"), counted exactly; documents with a "language" field of their own index fine because the
override points elsewhere."""

from __future__ import annotations

from pymongo import TEXT, IndexModel

from app.core.db import Database
from app.core.repository import Repository


class Notes(Repository):
    collection_name = "contract_notes"
    indexes = (
        IndexModel(
            [("subject", TEXT), ("body", TEXT)],
            name="notes_text",
            default_language="none",
            language_override="textLanguage",
        ),
    )


async def test_text_search_matches_words_without_stemming(database: Database) -> None:
    await database.ensure_indexes([Notes])
    notes = Notes(database.db)
    await notes.insert_many(
        [
            {"_id": 1, "subject": "Refund please", "body": "charged twice", "language": "en"},
            {"_id": 2, "subject": "refunds", "body": "all of them", "language": "zh"},
            {"_id": 3, "subject": "快递 太慢", "body": "包裹 还没到", "language": "und"},
            {"_id": 4, "subject": "hello", "body": "world", "language": None},
        ]
    )

    async def ids(words: str) -> list[int]:
        cursor = notes.collection.find({"$text": {"$search": words}}, {"_id": 1})
        return sorted([doc["_id"] async for doc in cursor])

    assert await ids("REFUND") == [1]  # case-insensitive; "refunds" is another word
    assert await ids("refund world") == [1, 4]  # any of the words
    assert await ids("包裹") == [3]
    assert await notes.count({"$text": {"$search": "refund refunds"}}) == 2
    # The app keeps $text at the top level beside other conditions (and_filters): the
    # embedded store refuses it inside $and, which MongoDB allows.
    assert await notes.count({"_id": {"$gt": 1}, "$text": {"$search": "refunds refund"}}) == 1
