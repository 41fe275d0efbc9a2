"""The strict MongoDB checker fires on each rule it encodes (and stays quiet on what MongoDB
accepts), and it watches the suite's real traffic."""

from __future__ import annotations

from typing import Any

import pytest
from pymongo import ASCENDING, DESCENDING, TEXT, IndexModel

from app.core.db import Database
from tests.strict import MAX_COMMAND_BYTES, StrictMongo

TEXT_INDEX = {"key": {"subject": "text"}, "name": "subject_text", "default_language": "none"}
SORT_INDEX = {"key": {"status": 1, "createdAt": -1, "_id": -1}, "name": "status_createdAt"}
COMPOUND = {"key": {"tags": 1, "sizes": 1}, "name": "tags_sizes"}
PLAIN = {"key": {"a": 1}, "name": "a"}


def nested(levels: int) -> dict[str, Any]:
    query: dict[str, Any] = {"a": 1}
    for _ in range(levels):
        query = {"$and": [query]}
    return query


def checked(*commands: tuple[str, dict[str, Any]]) -> list[str]:
    """The rules the commands break, in order (indexes first, as createIndexes)."""
    strict = StrictMongo()
    strict.check("db", "createIndexes", {"createIndexes": "c", "indexes": [TEXT_INDEX, SORT_INDEX]})
    strict.check("db", "createIndexes", {"createIndexes": "c", "indexes": [COMPOUND, PLAIN]})
    for name, command in commands:
        strict.check("db", name, {name: "c", **command})
    return [violation.rule for violation in strict.violations]


@pytest.mark.parametrize(
    ("command", "rules"),
    [
        # Text-index language override (fts_spec.cpp: 17261 non-string, 17262 unsupported).
        (("insert", {"documents": [{"subject": "x", "language": "zh"}]}), ["TEXT_LANGUAGE"]),
        (("insert", {"documents": [{"subject": "x", "language": None}]}), ["TEXT_LANGUAGE"]),
        (("insert", {"documents": [{"n": [{"language": "und"}]}]}), ["TEXT_LANGUAGE"]),
        (
            ("update", {"updates": [{"q": {}, "u": {"$set": {"language": "zh"}}}]}),
            ["TEXT_LANGUAGE"],
        ),
        (("insert", {"documents": [{"subject": "x", "language": "English"}]}), []),
        (("insert", {"documents": [{"subject": "x"}]}), []),
        # Size limits (builder.h, write_ops.h).
        (("find", {"filter": {"a": "x" * MAX_COMMAND_BYTES}}), ["COMMAND_TOO_LARGE"]),
        (("insert", {"documents": [{"a": "x" * (16 * 1024 * 1024)}]}), ["DOCUMENT_TOO_LARGE"]),
        (("insert", {"documents": [{}] * 100_001}), ["WRITE_BATCH_TOO_LARGE"]),
        # Unbounded sorts no index yields (a blocking sort of everything matched).
        (("find", {"filter": {}, "sort": {"createdAt": -1}}), ["UNINDEXED_SORT"]),
        (("find", {"filter": {"status": "A"}, "sort": {"createdAt": -1, "_id": -1}}), []),
        (("find", {"filter": {"status": "A"}, "sort": {"createdAt": 1, "_id": 1}}), []),
        (
            ("find", {"filter": {"status": "A"}, "sort": {"createdAt": -1, "_id": 1}}),
            ["UNINDEXED_SORT"],
        ),
        (("find", {"filter": {}, "sort": {"createdAt": -1}, "limit": 21}), []),
        (("find", {"filter": {}, "sort": {"_id": 1}}), []),
        (("aggregate", {"pipeline": [{"$match": {}}, {"$sort": {"n": 1}}]}), ["UNINDEXED_SORT"]),
        # Operators MongoDB lacks (BadValue "unknown operator", 168, 40324, 15952, 9).
        (("find", {"filter": {"a": {"$regexp": "x"}}}), ["UNKNOWN_OPERATOR"]),
        (("find", {"filter": {"a": 1, "$any": [{"a": 1}]}}), ["UNKNOWN_OPERATOR"]),
        (("aggregate", {"pipeline": [{"$lookupOne": {}}]}), ["UNKNOWN_OPERATOR"]),
        (
            ("aggregate", {"pipeline": [{"$group": {"_id": None, "n": {"$collect": 1}}}]}),
            ["UNKNOWN_OPERATOR"],
        ),
        (("aggregate", {"pipeline": [{"$project": {"n": {"$topN": {}}}}]}), ["UNKNOWN_OPERATOR"]),
        (("update", {"updates": [{"q": {}, "u": {"$append": {"a": 1}}}]}), ["UNKNOWN_OPERATOR"]),
        (
            (
                "find",
                {"filter": {"tags": {"$elemMatch": {"$in": ["a"]}}, "$text": {"$search": "x"}}},
            ),
            [],
        ),
        # $text placement (parsed_find_command.cpp, pipeline.cpp: 17313).
        (
            ("find", {"filter": {"$or": [{"$text": {"$search": "x"}}, {"a": 1}]}}),
            ["TEXT_PLACEMENT"],
        ),
        (
            ("find", {"filter": {"$text": {"$search": "x"}}, "hint": "subject_text"}),
            ["TEXT_PLACEMENT"],
        ),
        (
            ("aggregate", {"pipeline": [{"$match": {}}, {"$match": {"$text": {"$search": "x"}}}]}),
            ["TEXT_PLACEMENT"],
        ),
        # Parallel arrays in one compound index (btree_key_generator.cpp: 171).
        (("insert", {"documents": [{"tags": ["a"], "sizes": [1, 2]}]}), ["PARALLEL_ARRAYS"]),
        (("insert", {"documents": [{"tags": ["a"], "sizes": 1}]}), []),
        # $in lists the embedded store cannot take.
        (("find", {"filter": {"a": {"$in": list(range(201))}}}), ["IN_LIST_TOO_LONG"]),
        # Index declarations MongoDB refuses (index_catalog_impl.cpp, index_key_validate.cpp: 67).
        (
            (
                "createIndexes",
                {"indexes": [{"key": {"a": 1, "b": 1}, "name": "t", "expireAfterSeconds": 5}]},
            ),
            ["TTL_COMPOUND"],
        ),
        (
            (
                "createIndexes",
                {
                    "indexes": [
                        {"key": {"a": 1}, "name": "p", "partialFilterExpression": {"a": {"$ne": 1}}}
                    ]
                },
            ),
            ["PARTIAL_FILTER"],
        ),
        (
            (
                "createIndexes",
                {
                    "indexes": [
                        {
                            "key": {"a": 1},
                            "name": "p",
                            "partialFilterExpression": {"a": {"$exists": False}},
                        }
                    ]
                },
            ),
            ["PARTIAL_FILTER"],
        ),
        (
            (
                "createIndexes",
                {
                    "indexes": [
                        {
                            "key": {"a": 1},
                            "name": "p",
                            "partialFilterExpression": {"a": {"$type": "string"}},
                        }
                    ]
                },
            ),
            [],
        ),
        # Conflicting update paths (40).
        (
            ("update", {"updates": [{"q": {}, "u": {"$set": {"a": 1}, "$inc": {"a": 1}}}]}),
            ["UPDATE_CONFLICT"],
        ),
        (
            ("update", {"updates": [{"q": {}, "u": {"$set": {"a": 1, "a.b": 2}}}]}),
            ["UPDATE_CONFLICT"],
        ),
        # Every filter is backed by an index (the house rule; a collection scan on MongoDB).
        (("find", {"filter": {"n": 1}}), ["UNINDEXED_FILTER"]),
        (("find", {"filter": {"$or": [{"a": 1}, {"n": 1}]}}), ["UNINDEXED_FILTER"]),
        (("delete", {"deletes": [{"q": {"n": 1}, "limit": 0}]}), ["UNINDEXED_FILTER"]),
        (("find", {"filter": {"$and": [{"n": 1}, {"status": "A"}]}}), []),
        (("find", {"filter": {"tags": {"$elemMatch": {"$eq": "x"}}}}), []),
        (("count", {"query": {}}), []),
        # Nesting past the documented 100 levels ({$and: [...]} is two levels).
        (("find", {"filter": nested(60)}), ["TOO_DEEP"]),
        (("find", {"filter": nested(40)}), []),
    ],
)
def test_each_rule_fires_on_what_mongodb_refuses(
    command: tuple[str, Any], rules: list[str]
) -> None:
    assert checked(command) == rules


async def test_the_suite_traffic_is_watched(database: Database, strict_mongo: StrictMongo) -> None:
    """A violating command sent through the test client is recorded (and then cleared here, so
    that this test passes); every other test fails on such a record."""
    collection = database.db["strict_probe"]
    await collection.create_indexes(
        [IndexModel([("subject", TEXT)]), IndexModel([("n", ASCENDING), ("at", DESCENDING)])]
    )
    await collection.insert_one({"subject": "hello", "language": "zh"})  # lenient store: accepted
    rules = [violation.rule for violation in strict_mongo.violations]
    strict_mongo.violations.clear()
    assert rules == ["TEXT_LANGUAGE"]
