"""A strict MongoDB in front of the lenient embedded store: a command listener that records
every command the app sends which a real MongoDB 6.0-8.0 would refuse or run differently, or
which the embedded store's SQLite engine fails on. Every test runs under it (``conftest``) and
fails on any violation.

Each rule names what it encodes. Server sources are files of ``mongodb/mongo``; "Manual" is
https://www.mongodb.com/docs/manual/. The checker learns each collection's indexes from the
``createIndexes`` commands it sees, so the rules that need them (sorts, text languages,
parallel arrays) apply to collections whose indexes were created through a watched client.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import bson
from pymongo.monitoring import (
    CommandFailedEvent,
    CommandListener,
    CommandStartedEvent,
    CommandSucceededEvent,
)

from app.core.batches import MAX_IN_VALUES

# BSONObjMaxUserSize and BSONObjMaxInternalSize, src/mongo/bson/util/builder.h.
MAX_DOCUMENT_BYTES = 16 * 1024 * 1024
MAX_COMMAND_BYTES = MAX_DOCUMENT_BYTES + 16 * 1024
# write_ops::kMaxWriteBatchSize, src/mongo/db/ops/write_ops.h.
MAX_WRITE_OPS = 100_000
# Manual, "MongoDB Limits and Thresholds": "no more than 100 levels of nesting".
MAX_DEPTH = 100
# A sort with a limit this small is a top-k sort (the limit is pushed into SORT): its memory is
# bounded. Without one, an unindexed sort is a blocking sort over every match.
TOP_K = 1000

# kLanguagesV2V3, src/mongo/db/fts/fts_language.cpp (case-insensitive, plus "none").
TEXT_LANGUAGES = {
    "danish": "da", "dutch": "nl", "english": "en", "finnish": "fi", "french": "fr",
    "german": "de", "hungarian": "hu", "italian": "it", "norwegian": "nb", "portuguese": "pt",
    "romanian": "ro", "russian": "ru", "spanish": "es", "swedish": "sv", "turkish": "tr",
}  # fmt: skip
VALID_LANGUAGES = {"none", *TEXT_LANGUAGES, *TEXT_LANGUAGES.values()}

# pathlessOperatorMap / queryOperatorMap, src/mongo/db/matcher/expression_parser.cpp.
QUERY_TOP_LEVEL = {"$and", "$or", "$nor", "$expr", "$jsonSchema", "$text", "$where", "$comment"}
QUERY_FIELD = {
    "$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin", "$all", "$elemMatch", "$size",
    "$exists", "$type", "$mod", "$regex", "$options", "$not", "$bitsAllSet", "$bitsAllClear",
    "$bitsAnySet", "$bitsAnyClear", "$geoWithin", "$geoIntersects", "$near", "$nearSphere",
}  # fmt: skip
TEXT_FIELDS = {"$search", "$language", "$caseSensitive", "$diacriticSensitive"}
# modifiertable::getType, src/mongo/db/update/modifier_table.cpp.
UPDATE_OPERATORS = {
    "$currentDate", "$inc", "$min", "$max", "$mul", "$rename", "$set", "$setOnInsert", "$unset",
    "$addToSet", "$pop", "$pull", "$pullAll", "$push", "$bit",
}  # fmt: skip
UPDATE_MODIFIERS = {"$each", "$position", "$slice", "$sort"}
# REGISTER_DOCUMENT_SOURCE in src/mongo/db/pipeline/ (the stages an application sends).
STAGES = {
    "$addFields", "$bucket", "$bucketAuto", "$count", "$densify", "$documents", "$facet",
    "$fill", "$geoNear", "$graphLookup", "$group", "$limit", "$lookup", "$match", "$merge",
    "$out", "$project", "$redact", "$replaceRoot", "$replaceWith", "$sample", "$set",
    "$setWindowFields", "$skip", "$sort", "$sortByCount", "$unionWith", "$unset", "$unwind",
}  # fmt: skip
# Expression::parseExpression registrations (src/mongo/db/pipeline/expression.cpp) in 6.0.
EXPRESSIONS = {
    "$abs", "$add", "$ceil", "$divide", "$exp", "$floor", "$ln", "$log", "$log10", "$mod",
    "$multiply", "$pow", "$round", "$sqrt", "$subtract", "$trunc", "$arrayElemAt",
    "$arrayToObject", "$concatArrays", "$filter", "$first", "$last", "$in", "$indexOfArray",
    "$isArray", "$map", "$objectToArray", "$range", "$reduce", "$reverseArray", "$size",
    "$slice", "$zip", "$sortArray", "$firstN", "$lastN", "$maxN", "$minN", "$and", "$or",
    "$not", "$cmp", "$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$cond", "$ifNull", "$switch",
    "$binarySize", "$bsonSize", "$rand", "$getField", "$dateAdd", "$dateDiff", "$dateSubtract",
    "$dateTrunc", "$dateFromParts", "$dateFromString", "$dateToParts", "$dateToString",
    "$dayOfMonth", "$dayOfWeek", "$dayOfYear", "$hour", "$isoDayOfWeek", "$isoWeek",
    "$isoWeekYear", "$millisecond", "$minute", "$month", "$second", "$week", "$year",
    "$literal", "$let", "$meta", "$mergeObjects", "$setField", "$unsetField",
    "$allElementsTrue", "$anyElementTrue", "$setDifference", "$setEquals", "$setIntersection",
    "$setIsSubset", "$setUnion", "$concat", "$indexOfBytes", "$indexOfCP", "$ltrim", "$rtrim",
    "$trim", "$regexFind", "$regexFindAll", "$regexMatch", "$replaceOne", "$replaceAll",
    "$split", "$strLenBytes", "$strLenCP", "$strcasecmp", "$substr", "$substrBytes",
    "$substrCP", "$toLower", "$toUpper", "$convert", "$isNumber", "$toBool", "$toDate",
    "$toDecimal", "$toDouble", "$toInt", "$toLong", "$toObjectId", "$toString", "$type",
    "$avg", "$max", "$min", "$sum", "$stdDevPop", "$stdDevSamp",
}  # fmt: skip
# AccumulationStatement registrations (src/mongo/db/pipeline/accumulator*.cpp), 5.2+.
ACCUMULATORS = {
    "$addToSet", "$avg", "$count", "$first", "$last", "$max", "$mergeObjects", "$min", "$push",
    "$stdDevPop", "$stdDevSamp", "$sum", "$bottom", "$bottomN", "$top", "$topN", "$firstN",
    "$lastN", "$maxN", "$minN",
}  # fmt: skip
# _checkValidFilterExpressions, src/mongo/db/catalog/index_catalog_impl.cpp (6.0+).
PARTIAL_FILTER_OPERATORS = {"$eq", "$gt", "$gte", "$lt", "$lte", "$exists", "$type", "$and",
                            "$or", "$in"}  # fmt: skip
WRITE_SEQUENCES = {"insert": "documents", "update": "updates", "delete": "deletes"}


@dataclass(frozen=True)
class Violation:
    rule: str
    command: str
    namespace: str
    detail: str

    def __str__(self) -> str:
        return f"[{self.rule}] {self.command} on {self.namespace}: {self.detail}"


@dataclass
class Index:
    keys: list[tuple[str, Any]]
    options: dict[str, Any]

    @property
    def fields(self) -> list[str]:
        return [name for name, _ in self.keys]

    @property
    def is_text(self) -> bool:
        return any(kind == "text" for _, kind in self.keys)


@dataclass
class StrictMongo(CommandListener):
    """Records violations; ``conftest`` fails every test that leaves one behind."""

    violations: list[Violation] = field(default_factory=list)
    indexes: dict[tuple[str, str], dict[str, Index]] = field(default_factory=dict)

    # pymongo's listener interface -------------------------------------------------------
    def started(self, event: CommandStartedEvent) -> None:
        self.check(event.database_name, event.command_name, dict(event.command))

    def succeeded(self, event: CommandSucceededEvent) -> None:
        pass

    def failed(self, event: CommandFailedEvent) -> None:
        pass

    # rules --------------------------------------------------------------------------------
    def check(self, database: str, name: str, command: dict[str, Any]) -> None:
        target = command.get(name)
        collection = target if isinstance(target, str) else ""
        namespace = f"{database}.{collection}"

        def flag(rule: str, detail: str) -> None:
            self.violations.append(Violation(rule, name, namespace, detail))

        self._learn(database, name, collection, command, flag)
        indexes = self.indexes.get((database, collection), {})
        self._sizes(name, command, flag)
        for path, value in _walk(command):
            long_list = isinstance(value, list) and len(value) > MAX_IN_VALUES
            if long_list and path.endswith(("$in", "$nin", "$all")):
                # The embedded store's SQLite engine fails an $in of ~500 values with
                # "Expression tree is too large (maximum depth 1000)" (measured).
                flag("IN_LIST_TOO_LONG", f"{path} has {len(value)} values")
        self._indexed(name, command, indexes, flag)
        if name == "find":
            self._query(command.get("filter") or {}, flag)
            self._text_placement(command.get("filter") or {}, command, flag)
            self._sort(command, indexes, flag)
        elif name == "aggregate":
            self._pipeline(command.get("pipeline") or [], indexes, flag)
        elif name in ("count", "distinct"):
            self._query(command.get("query") or {}, flag)
        elif name == "findAndModify":
            self._query(command.get("query") or {}, flag)
            self._update(command.get("update"), flag)
            self._documents(_updated_documents(command.get("update")), indexes, flag)
        elif name == "update":
            for update in command.get("updates") or []:
                self._query(update.get("q") or {}, flag)
                self._update(update.get("u"), flag)
                self._documents(_updated_documents(update.get("u")), indexes, flag)
        elif name == "delete":
            for delete in command.get("deletes") or []:
                self._query(delete.get("q") or {}, flag)
        elif name == "insert":
            self._documents(command.get("documents") or [], indexes, flag)

    def _indexed(
        self, name: str, command: dict[str, Any], indexes: dict[str, Index], flag: Any
    ) -> None:
        """Every query is backed by an index (the house rule; on MongoDB an unindexed filter
        is a collection scan): some condition of the filter, or of each ``$or`` branch, is on
        the first key of an index, ``_id``, or is a ``$text``. An empty filter is a scan by
        design only for counts and bounded or index-ordered finds."""
        filters: list[Any] = []
        if name == "find":
            filters = [command.get("filter") or {}]
        elif name in ("count", "findAndModify"):
            filters = [command.get("query") or {}]
        elif name == "update":
            filters = [u.get("q") or {} for u in command.get("updates") or []]
        elif name == "delete":
            filters = [d.get("q") or {} for d in command.get("deletes") or []]
        elif name == "aggregate":
            first = (command.get("pipeline") or [{}])[0]
            filters = [first.get("$match") or {}] if "$match" in first else []
        leading = {"_id"} | {index.fields[0] for index in indexes.values() if not index.is_text}
        for query in filters:
            if not query:
                continue  # counts, listings (sorts are checked on their own), deleteMany({})
            if not _uses_index(query, leading, any(i.is_text for i in indexes.values())):
                flag("UNINDEXED_FILTER", f"no index backs the filter on {sorted(query)}")

    def _learn(
        self, database: str, name: str, collection: str, command: dict[str, Any], flag: Any
    ) -> None:
        if name == "createIndexes":
            known = self.indexes.setdefault((database, collection), {})
            for spec in command.get("indexes") or []:
                index = Index(list(spec["key"].items()), dict(spec))
                self._index_rules(index, flag)
                known[spec["name"]] = index
        elif name == "dropIndexes":
            dropped = command.get("index")
            known = self.indexes.get((database, collection), {})
            for index_name in [dropped] if isinstance(dropped, str) else list(known):
                known.pop(index_name, None)
        elif name == "drop":
            self.indexes.pop((database, collection), None)
        elif name == "dropDatabase":
            for key in [key for key in self.indexes if key[0] == database]:
                del self.indexes[key]

    @staticmethod
    def _index_rules(index: Index, flag: Any) -> None:
        # TTL: single-field only (index_key_validate.cpp, validateIndexSpecTTL: code 67).
        if "expireAfterSeconds" in index.options and len(index.keys) > 1:
            flag("TTL_COMPOUND", f"TTL index {index.options['name']} has several keys")
        partial = index.options.get("partialFilterExpression")
        if partial is not None:
            for path, _ in _walk(partial):
                operator = path.rsplit(".", 1)[-1]
                if operator.startswith("$") and operator not in PARTIAL_FILTER_OPERATORS:
                    flag("PARTIAL_FILTER", f"{operator} is not allowed in a partial index (67)")
            if _contains(partial, "$exists", False):
                flag("PARTIAL_FILTER", "$exists: false is not allowed in a partial index (67)")

    def _sizes(self, name: str, command: dict[str, Any], flag: Any) -> None:
        sequence = WRITE_SEQUENCES.get(name)
        if sequence is not None:
            items = command.get(sequence) or []
            if len(items) > MAX_WRITE_OPS:
                flag("WRITE_BATCH_TOO_LARGE", f"{len(items)} operations (16 InvalidLength)")
            for item in items:
                if len(bson.encode(item)) > MAX_DOCUMENT_BYTES:
                    flag("DOCUMENT_TOO_LARGE", "a document passes 16 MiB")
            body = {key: value for key, value in command.items() if key != sequence}
        else:
            body = command
        size = len(bson.encode(body))
        if size > MAX_COMMAND_BYTES:
            flag("COMMAND_TOO_LARGE", f"{size:,} bytes (10334 BSONObjectTooLarge)")
        if _depth(body) > MAX_DEPTH:
            flag("TOO_DEEP", f"nested more than {MAX_DEPTH} levels")

    def _query(self, query: Any, flag: Any, *, top: bool = True) -> None:
        """Operators MongoDB's query parser knows (others: BadValue "unknown operator")."""
        if not isinstance(query, Mapping):
            return
        for key, value in query.items():
            if key.startswith("$"):
                if key not in QUERY_TOP_LEVEL:
                    flag("UNKNOWN_OPERATOR", f"{key} is not a top-level query operator")
                elif key in ("$and", "$or", "$nor") and isinstance(value, list):
                    for branch in value:
                        self._query(branch, flag, top=False)
                elif key == "$text" and isinstance(value, Mapping):
                    for option in value:
                        if option not in TEXT_FIELDS:
                            flag("UNKNOWN_OPERATOR", f"$text takes no {option}")
                elif key == "$expr":
                    self._expression(value, flag)
            elif isinstance(value, Mapping) and any(k.startswith("$") for k in value):
                self._field_condition(key, value, flag)

    def _field_condition(self, name: str, condition: Mapping[str, Any], flag: Any) -> None:
        for operator, operand in condition.items():
            if operator not in QUERY_FIELD:
                flag("UNKNOWN_OPERATOR", f"{name}: {operator} is not a query operator")
            elif operator == "$elemMatch" and isinstance(operand, Mapping):
                if any(k.startswith("$") for k in operand):
                    self._field_condition(name, operand, flag)
                else:
                    self._query(operand, flag, top=False)
            elif operator == "$not" and isinstance(operand, Mapping):
                self._field_condition(name, operand, flag)

    def _text_placement(self, query: Any, command: Mapping[str, Any], flag: Any) -> None:
        """parsed_find_command.cpp: one $text, at the top level, never with a hint."""
        found = [path for path, _ in _walk(query) if path.rsplit(".", 1)[-1] == "$text"]
        if not found:
            return
        if len(found) > 1:
            flag("TEXT_PLACEMENT", "more than one $text")
        if any(path != "$text" and not path.startswith("$and.") for path in found):
            flag("TEXT_PLACEMENT", f"$text under {found[0]} (it must be at the top level)")
        if "hint" in command:
            flag("TEXT_PLACEMENT", "text and hint not allowed in same query")

    def _update(self, update: Any, flag: Any) -> None:
        if isinstance(update, list):  # pipeline-style update
            for stage in update:
                for stage_name in stage:
                    if stage_name not in STAGES:
                        flag("UNKNOWN_OPERATOR", f"{stage_name} is not a pipeline stage")
            return
        if not isinstance(update, Mapping) or not any(k.startswith("$") for k in update):
            return  # a replacement
        for operator, fields in update.items():
            if operator not in UPDATE_OPERATORS:
                flag("UNKNOWN_OPERATOR", f"{operator} is not an update operator (9)")
            elif isinstance(fields, Mapping):
                for value in fields.values():
                    if isinstance(value, Mapping):
                        for key in value:
                            modifier = key.startswith("$") and operator in ("$push", "$addToSet")
                            if modifier and key not in UPDATE_MODIFIERS:
                                flag("UNKNOWN_OPERATOR", f"{operator} takes no {key}")
        paths = [
            path for fields in update.values() if isinstance(fields, Mapping) for path in fields
        ]
        for path in paths:
            if any(other != path and other.startswith(path + ".") for other in paths):
                flag("UPDATE_CONFLICT", f"{path} and a path under it (40)")
        if len(paths) != len(set(paths)):
            flag("UPDATE_CONFLICT", "the same path in two operators (40)")

    def _pipeline(self, pipeline: list[Any], indexes: dict[str, Index], flag: Any) -> None:
        for position, stage in enumerate(pipeline):
            if not isinstance(stage, Mapping) or len(stage) != 1:
                flag("UNKNOWN_OPERATOR", "a stage must have exactly one field (40323)")
                continue
            ((stage_name, body),) = stage.items()
            if stage_name not in STAGES:
                flag("UNKNOWN_OPERATOR", f"{stage_name} is not a pipeline stage (40324)")
            elif stage_name == "$match":
                self._query(body, flag)
                if position > 0 and any(p.endswith("$text") for p, _ in _walk(body)):
                    flag("TEXT_PLACEMENT", "$match with $text is not the first stage (17313)")
            elif stage_name == "$group" and isinstance(body, Mapping):
                self._expression(body.get("_id"), flag)
                for name, accumulator in body.items():
                    if name == "_id" or not isinstance(accumulator, Mapping):
                        continue
                    for operator, argument in accumulator.items():
                        if operator not in ACCUMULATORS:
                            flag("UNKNOWN_OPERATOR", f"{operator} is not an accumulator (15952)")
                        elif operator not in ("$topN", "$bottomN", "$top", "$bottom"):
                            self._expression(argument, flag)
            elif stage_name == "$sort":
                bounded = position + 1 < len(pipeline) and "$limit" in pipeline[position + 1]
                after_match = all("$match" in earlier for earlier in pipeline[:position])
                if not bounded and after_match and position == len(pipeline) - 1:
                    self._sort_served(body, _match_equalities(pipeline[:position]), indexes, flag)
            elif stage_name in ("$project", "$addFields", "$set"):
                for value in (body or {}).values():
                    self._expression(value, flag)

    def _expression(self, expression: Any, flag: Any) -> None:
        if isinstance(expression, list):
            for item in expression:
                self._expression(item, flag)
        elif isinstance(expression, Mapping):
            for key, value in expression.items():
                if key.startswith("$"):
                    if key not in EXPRESSIONS:
                        flag("UNKNOWN_OPERATOR", f"{key} is not an aggregation expression (168)")
                    if key != "$literal":
                        self._expression(value, flag)
                else:
                    self._expression(value, flag)

    def _sort(self, command: Mapping[str, Any], indexes: dict[str, Index], flag: Any) -> None:
        sort = command.get("sort")
        limit = command.get("limit") or 0
        if sort and not 0 < abs(limit) <= TOP_K:
            self._sort_served(sort, _equalities(command.get("filter") or {}), indexes, flag)

    @staticmethod
    def _sort_served(
        sort: Mapping[str, Any], equal: set[str], indexes: dict[str, Index], flag: Any
    ) -> None:
        """A sort over every match needs an index that yields that order: its keys, past
        fields the filter fixes by equality, start with the sort keys, all in the sort's
        direction or all reversed. Otherwise it is a blocking sort of everything matched
        (100 MB in memory, then disk: internalQueryMaxBlockingSortMemoryUsageBytes)."""
        wanted = [(name, 1 if direction >= 0 else -1) for name, direction in sort.items()]
        if wanted in ([("_id", 1)], [("_id", -1)]):
            return
        for index in indexes.values():
            keys = [(name, kind) for name, kind in index.keys if isinstance(kind, int)]
            while keys and keys[0][0] in equal and keys[0][0] not in dict(wanted):
                keys = keys[1:]
            prefix = [(name, 1 if kind > 0 else -1) for name, kind in keys[: len(wanted)]]
            if prefix == wanted or prefix == [(name, -d) for name, d in wanted]:
                return
        flag("UNINDEXED_SORT", f"no index yields the order {dict(sort)} of an unbounded sort")

    def _documents(self, documents: list[Any], indexes: dict[str, Index], flag: Any) -> None:
        for document in documents:
            if not isinstance(document, Mapping):
                continue
            for index in indexes.values():
                if index.is_text:
                    self._text_language(document, index, flag)
                elif len(index.keys) > 1:
                    arrays = [f for f in index.fields if isinstance(_get(document, f), list)]
                    if len(arrays) > 1:
                        # assertParallelArrays, src/mongo/db/index/btree_key_generator.cpp.
                        flag("PARALLEL_ARRAYS", f"cannot index parallel arrays {arrays} (171)")

    @staticmethod
    def _text_language(document: Mapping[str, Any], index: Index, flag: Any) -> None:
        """FTSSpec::_getLanguageToUseV2 (src/mongo/db/fts/fts_spec.cpp): the override field,
        where present, must be a string (17261; null included) naming a supported language
        (17262), in the document and in every embedded document."""
        override = index.options.get("language_override", "language")
        for value in _values_of(document, override):
            if not isinstance(value, str):
                flag("TEXT_LANGUAGE", f"{override} = {value!r} is not a string (17261)")
            elif value.lower() not in VALID_LANGUAGES:
                flag("TEXT_LANGUAGE", f"language override unsupported: {value} (17262)")


def _walk(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every (dotted key path, value) inside a command; list items keep their parent's path."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            yield child, item
            yield from _walk(item, child)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item, path)


def _contains(value: Any, key: str, wanted: Any) -> bool:
    return any(path.rsplit(".", 1)[-1] == key and item is wanted for path, item in _walk(value))


def _depth(value: Any) -> int:
    if isinstance(value, Mapping):
        return 1 + max((_depth(item) for item in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(item) for item in value), default=0)
    return 0


def _get(document: Mapping[str, Any], path: str) -> Any:
    value: Any = document
    for part in path.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


def _values_of(document: Mapping[str, Any], name: str) -> Iterator[Any]:
    """The values of field ``name`` in a document and in each document embedded in it."""
    if name in document:
        yield document[name]
    for value in document.values():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, Mapping):
                yield from _values_of(item, name)


def _updated_documents(update: Any) -> list[Mapping[str, Any]]:
    """What an update writes as whole values: a replacement, or $set / $setOnInsert fields."""
    if not isinstance(update, Mapping):
        return []
    if not any(key.startswith("$") for key in update):
        return [update]
    written: dict[str, Any] = {}
    for operator in ("$set", "$setOnInsert"):
        if isinstance(update.get(operator), Mapping):
            written.update(update[operator])
    return [written] if written else []


def _uses_index(query: Mapping[str, Any], leading: set[str], text: bool) -> bool:
    for key, value in query.items():
        if key == "$and" and isinstance(value, list):
            if any(_uses_index(part, leading, text) for part in value):
                return True
        elif key == "$or" and isinstance(value, list):
            if value and all(_uses_index(part, leading, text) for part in value):
                return True
        elif key == "$text":
            if text:
                return True
        elif not key.startswith("$") and key in leading:
            return True
        elif isinstance(value, Mapping) and isinstance(value.get("$elemMatch"), Mapping):
            # {array: {$elemMatch: {field: ...}}} is served by an index on array.field.
            inner = value["$elemMatch"]
            if any(f"{key}.{name}" in leading for name in inner if not name.startswith("$")):
                return True
    return False


def _equalities(query: Any) -> set[str]:
    """Fields a filter fixes to one value (``{f: v}`` or ``{f: {$eq: v}}``, in ``$and``)."""
    fixed: set[str] = set()
    if not isinstance(query, Mapping):
        return fixed
    for key, value in query.items():
        if key == "$and" and isinstance(value, list):
            for part in value:
                fixed |= _equalities(part)
        elif not key.startswith("$") and (not isinstance(value, Mapping) or set(value) == {"$eq"}):
            fixed.add(key)
    return fixed


def _match_equalities(stages: list[Any]) -> set[str]:
    fixed: set[str] = set()
    for stage in stages:
        fixed |= _equalities(stage.get("$match"))
    return fixed
