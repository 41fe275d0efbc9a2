"""What every workflow check shares: the repositories it looks things up in, known tag names,
IDs of teams, agents and policies that must exist, and inserts that refuse taken names."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from bson import ObjectId
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from app.core.db import Document, MongoDatabase
from app.core.errors import ErrorCode, InputError
from app.core.repository import Repository
from app.core.validation import Checker
from app.graphql.relay import InvalidGlobalId, decode_id
from app.tagging.repository import TagRepository
from app.tagging.service import MAX_TAGS, check_tag_names
from app.workflow.conditions import (
    CHANGES,
    FIELDS,
    MAX_CONDITIONS,
    MAX_TEXT,
    MAX_VALUES,
    OPERATORS,
    FieldSpec,
    Kind,
    Op,
    refs,
)
from app.workflow.models import AGENT, BUSINESS_HOURS, SLA_POLICY, TEAM, RuleField, RuleOperator
from app.workflow.repository import (
    AgentRepository,
    BusinessHoursRepository,
    RuleRepository,
    SetupRepository,
    SlaPolicyRepository,
    TeamRepository,
)


def now_utc() -> datetime:
    return datetime.now(UTC)


def ref(type_name: str, value: Any) -> ObjectId | None:
    if isinstance(value, ObjectId):
        return value
    try:
        return decode_id(value, type_name) if isinstance(value, str) else None
    except InvalidGlobalId:
        return None


class Checks:
    """The lookups the workflow's checks make."""

    def __init__(self, db: MongoDatabase) -> None:
        self.agents = AgentRepository(db)
        self.teams = TeamRepository(db)
        self.rules = RuleRepository(db)
        self.hours = BusinessHoursRepository(db)
        self.policies = SlaPolicyRepository(db)
        self.tags = TagRepository(db)
        self.config = SetupRepository(db)  # its version moves on every change

    async def tag_names(
        self, check: Checker, field: str, names: Sequence[Any], *, empty: bool = False
    ) -> list[str]:
        """Known, unarchived tag names (lower case)."""
        if not isinstance(names, list) or len(names) > MAX_TAGS or not (names or empty):
            check.add(field, ErrorCode.INVALID, f"A list of 1 to {MAX_TAGS} tag names.")
            return []
        cleaned = [str(name).strip().lower() for name in names]
        await check_tag_names(self.tags, check, field, cleaned)
        return list(dict.fromkeys(cleaned))

    async def current(self, repository: Repository, object_id: ObjectId, what: str) -> Document:
        """The stored configuration object, or NOT_FOUND."""
        found = await repository.get(object_id)
        if found is None:
            raise InputError.one("id", ErrorCode.NOT_FOUND, f"No {what} has this ID.")
        return found

    async def add(
        self, repository: Repository, doc: Document, position: Any = None, *, ordered: bool = False
    ) -> Document:
        """Insert a configuration object (last in order when ``ordered`` and no ``position``
        is given); every process reloads the configuration."""
        now = now_utc()
        if ordered:
            last = await repository.collection.find_one({}, sort=[("position", -1), ("_id", -1)])
            default = float(last["position"]) + 1 if last else 1.0
            doc["position"] = float(position) if position is not None else default
        written = await insert_named(repository, {**doc, "createdAt": now, "updatedAt": now})
        await self.config.changed()
        return written

    async def change(
        self, repository: Repository, object_id: ObjectId, doc: Document, what: str,
        position: Any = None,
    ) -> Document:  # fmt: skip
        if position is not None:
            doc["position"] = float(position)
        updated = await change_named(repository, object_id, {**doc, "updatedAt": now_utc()})
        if updated is None:
            raise InputError.one("id", ErrorCode.NOT_FOUND, f"No {what} has this ID.")
        await self.config.changed()
        return updated

    async def check_refs(self, check: Checker, path: str, conditions: Document) -> None:
        for type_name, object_id in refs(conditions):
            repo = self.teams if type_name == TEAM else self.agents
            if await repo.get(object_id) is None:
                check.add(path, ErrorCode.NOT_FOUND, f"No {type_name.lower()} has the ID given.")

    async def existing(
        self, check: Checker, path: str, value: Any, type_name: str
    ) -> ObjectId | None:
        object_id = ref(type_name, value)
        repository = {
            TEAM: self.teams, AGENT: self.agents, SLA_POLICY: self.policies,
            BUSINESS_HOURS: self.hours,
        }[type_name]  # fmt: skip
        if object_id is None:
            check.add(path, ErrorCode.INVALID, f"{value!r} is not a {type_name} ID."[:200])
        elif await repository.get(object_id) is None:
            check.add(path, ErrorCode.NOT_FOUND, f"No {type_name} has this ID.")
        return object_id


async def insert_named(repository: Repository, doc: Document) -> Document:
    try:
        result = await repository.collection.insert_one(doc)
    except DuplicateKeyError as error:
        raise InputError.one("name", ErrorCode.DUPLICATE, "The name is taken.") from error
    return {**doc, "_id": result.inserted_id}


async def change_named(
    repository: Repository, object_id: ObjectId, doc: Document
) -> Document | None:
    try:
        return await repository.collection.find_one_and_update(
            {"_id": object_id}, {"$set": doc}, return_document=ReturnDocument.AFTER
        )
    except DuplicateKeyError as error:
        raise InputError.one("name", ErrorCode.DUPLICATE, "The name is taken.") from error


def plain(value: Any) -> Any:
    """Strawberry inputs as plain dicts (enums kept), JSON values as they came."""
    if isinstance(value, list):
        return [plain(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {k: plain(getattr(value, k)) for k in value.__dataclass_fields__}
    return value


def check_conditions(
    check: Checker,
    path: str,
    raw: Document | None,
    decode_ref: Callable[[str, Any], ObjectId | None],
) -> Document:
    """Checked, normalised conditions from what a client sent (``{all: [...], any: [...]}``
    of ``{field, operator, value, tag}``); problems go to ``check``. ``decode_ref`` turns a
    global ID of a team or agent into an ObjectId (None when it is not one)."""
    result: Document = {"all": [], "any": []}
    raw = raw or {}
    total = 0
    for group in ("all", "any"):
        for index, condition in enumerate(raw.get(group) or []):
            total += 1
            checked = _check_one(check, f"{path}.{group}.{index}", condition, decode_ref)
            if checked is not None:
                result[group].append(checked)
    if total > MAX_CONDITIONS:
        check.add(path, ErrorCode.OUT_OF_RANGE, f"At most {MAX_CONDITIONS} conditions.")
    return result


def _check_one(
    check: Checker,
    path: str,
    condition: Document,
    decode_ref: Callable[[str, Any], ObjectId | None],
) -> Document | None:
    field: RuleField = condition["field"]
    operator: RuleOperator = condition["operator"]
    spec = FIELDS[field]
    allowed = OPERATORS[spec.kind] | (CHANGES if spec.tracked else frozenset())
    if operator not in allowed:
        names = ", ".join(sorted(o.value for o in allowed))
        check.add(
            f"{path}.operator",
            ErrorCode.INVALID,
            f"{field.value} takes the operators {names}, not {operator.value}.",
        )
        return None
    checked: Document = {"field": field.value, "operator": operator.value}
    if field is RuleField.TAG_CONFIDENCE:
        tag = condition.get("tag")
        if not isinstance(tag, str) or not tag.strip():
            check.add(f"{path}.tag", ErrorCode.REQUIRED, "TAG_CONFIDENCE names the tag.")
            return None
        checked["tag"] = tag.strip().lower()
    value = condition.get("value")
    if operator in (Op.PRESENT, Op.NOT_PRESENT, Op.CHANGED):
        if value is not None:
            check.add(f"{path}.value", ErrorCode.INVALID, f"{operator.value} takes no value.")
            return None
        checked["value"] = None
        return checked
    if operator in (Op.IN, Op.NOT_IN):
        if not isinstance(value, list) or not value or len(value) > MAX_VALUES:
            check.add(
                f"{path}.value",
                ErrorCode.INVALID,
                f"{operator.value} takes a list of 1 to {MAX_VALUES} values.",
            )
            return None
        items = [
            _check_value(check, f"{path}.value.{i}", spec, v, decode_ref)
            for i, v in enumerate(value)
        ]
        if any(item is None for item in items):
            return None
        checked["value"] = items
        return checked
    one = _check_value(check, f"{path}.value", spec, value, decode_ref)
    if one is None:
        return None
    checked["value"] = one
    return checked


def _check_value(
    check: Checker,
    path: str,
    spec: FieldSpec,
    value: Any,
    decode_ref: Callable[[str, Any], ObjectId | None],
) -> Any:
    wrong = f"Expected {_describe(spec)}, got {value!r}."[:300]
    match spec.kind:
        case Kind.ENUM:
            if isinstance(value, str) and value in spec.choices:
                return value
        case Kind.TEXT | Kind.TAGS:
            if isinstance(value, str) and value.strip() and len(value) <= MAX_TEXT:
                return value.strip().lower() if spec.kind is Kind.TAGS else value.strip()
        case Kind.NUMBER:
            if isinstance(value, int | float) and not isinstance(value, bool):
                return float(value)
        case Kind.BOOL:
            if isinstance(value, bool):
                return value
        case Kind.REF:
            if (object_id := decode_ref(spec.ref, value)) is not None:
                return object_id
    check.add(path, ErrorCode.INVALID, wrong)
    return None


def _describe(spec: FieldSpec) -> str:
    match spec.kind:
        case Kind.ENUM:
            return "one of " + ", ".join(spec.choices)
        case Kind.TEXT:
            return f"text of 1 to {MAX_TEXT} characters"
        case Kind.TAGS:
            return "a tag name"
        case Kind.NUMBER:
            return "a number"
        case Kind.BOOL:
            return "true or false"
    return f"the ID of a {spec.ref}"
