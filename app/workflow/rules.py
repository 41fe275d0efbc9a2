"""Checking and writing rules: conditions, actions and their parameters, order."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bson import ObjectId

from app.core.db import Document
from app.core.errors import ErrorCode, InputError
from app.core.validation import Checker
from app.tickets.models import TicketPriority, TicketStatus
from app.workflow import engine
from app.workflow.checks import (
    Checks,
    check_conditions,
    now_utc,
    plain,
    ref,
)
from app.workflow.models import AGENT, SLA_POLICY, TEAM, RuleActionType, RuleEvent

A = RuleActionType
MAX_ACTIONS = 20
MAX_TEMPLATE = 5000


class RuleChecks(Checks):
    """Rules: checked from what a client sent, then written."""

    async def rule_document(
        self, values: dict[str, Any], current: Document | None = None
    ) -> Document:
        """A checked rule from ``values`` (over ``current`` for an update)."""
        check = Checker()
        base = current or {}
        name = (
            check.text("name", values.get("name"), required=True, max_length=120)
            if "name" in values or current is None
            else base["name"]
        )
        event: RuleEvent | None = values.get("event") or (
            RuleEvent(base["event"]) if current else None
        )
        if event is None:
            check.add("event", ErrorCode.REQUIRED, "event is required.")
        conditions = (
            check_conditions(check, "conditions", plain(values.get("conditions")), ref)
            if "conditions" in values or current is None
            else base["conditions"]
        )
        await self.check_refs(check, "conditions", conditions)
        actions = (
            await self._actions(check, values.get("actions") or [])
            if "actions" in values or current is None
            else base["actions"]
        )
        check.raise_if_any()
        assert event is not None
        return {
            "name": name,
            "event": event.value,
            "active": values.get("active", base.get("active", True)) is not False,
            "conditions": conditions,
            "actions": actions,
        }

    async def create_rule(self, values: dict[str, Any]) -> Document:
        rule = await self.rule_document(values)
        return await self.add(self.rules, rule, values.get("position"), ordered=True)

    async def update_rule(self, rule_id: ObjectId, values: dict[str, Any]) -> Document:
        rule = await self.rule_document(values, await self.current(self.rules, rule_id, "rule"))
        return await self.change(self.rules, rule_id, rule, "rule", values.get("position"))

    async def delete_rule(self, rule_id: ObjectId) -> Document:
        rule = await self.current(self.rules, rule_id, "rule")
        await self.rules.collection.delete_one({"_id": rule_id})
        await self.config.changed()
        return rule

    async def reorder_rules(self, rule_ids: list[ObjectId]) -> list[Document]:
        """Positions 1..n in the order given, which must name every rule once."""
        known = await self.rules.all_ids()
        if len(set(rule_ids)) != len(rule_ids) or set(rule_ids) != set(known):
            raise InputError.one(
                "ids", ErrorCode.INVALID, f"Name each of the {len(known)} rules exactly once."
            )
        await self.rules.set_positions(rule_ids, now_utc())
        await self.config.changed()
        return await self.rules.collection.find({}).sort([("position", 1), ("_id", 1)]).to_list()

    async def _actions(self, check: Checker, actions: list[Any]) -> list[Document]:
        if not actions or len(actions) > MAX_ACTIONS:
            check.add("actions", ErrorCode.INVALID, f"A rule has 1 to {MAX_ACTIONS} actions.")
            return []
        checked = []
        for index, action in enumerate(actions):
            params = await self._params(check, f"actions.{index}.params", action)
            checked.append({"type": action["type"].value, "params": params})
        return checked

    async def _params(self, check: Checker, path: str, action: Document) -> Document:
        kind: RuleActionType = action["type"]
        raw = plain(action.get("params")) or {}
        if not isinstance(raw, dict):
            check.add(path, ErrorCode.INVALID, "params is an object.")
            return {}
        wanted = ACTION_PARAMS[kind]
        for key in raw:
            if key not in wanted:
                check.add(f"{path}.{key}", ErrorCode.INVALID, f"{kind.value} takes no {key!r}.")
        params: Document = {}
        for key, (required, parse) in wanted.items():
            value = raw.get(key)
            if value is None:
                if required:
                    check.add(f"{path}.{key}", ErrorCode.REQUIRED, f"{kind.value} needs {key}.")
                continue
            params[key] = await parse(self, check, f"{path}.{key}", value)
        return params


# Action parameters: name -> (required, parser) -------------------------------------------------


def _enum_parser(names: Sequence[str], what: str):  # type: ignore[no-untyped-def]
    async def parse(service: Checks, check: Checker, path: str, value: Any) -> Any:
        if value not in names:
            check.add(path, ErrorCode.INVALID, f"{what} is one of {', '.join(names)}.")
        return value

    return parse


def _ref_parser(type_name: str):  # type: ignore[no-untyped-def]
    async def parse(service: Checks, check: Checker, path: str, value: Any) -> Any:
        return await service.existing(check, path, value, type_name)

    return parse


async def _tags(service: Checks, check: Checker, path: str, value: Any) -> Any:
    return await service.tag_names(check, path, value)


def _text_parser(limit: int):  # type: ignore[no-untyped-def]
    async def parse(service: Checks, check: Checker, path: str, value: Any) -> Any:
        if not isinstance(value, str) or not value.strip() or len(value) > limit:
            check.add(path, ErrorCode.INVALID, f"Text of 1 to {limit} characters.")
            return None
        unknown = engine.unknown_placeholders(value)
        if unknown:
            check.add(
                path, ErrorCode.INVALID,
                f"Unknown placeholders {', '.join(unknown)}; known: "
                + ", ".join(engine.PLACEHOLDERS),
            )  # fmt: skip
        return value.strip()

    return parse


async def _hours(service: Checks, check: Checker, path: str, value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 8784:
        check.add(path, ErrorCode.OUT_OF_RANGE, "Hours from now: more than 0, at most 8784.")
        return None
    return float(value)


async def _confidence(service: Checks, check: Checker, path: str, value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        check.add(path, ErrorCode.OUT_OF_RANGE, "A confidence from 0 to 1.")
        return None
    return float(value)


PRIORITY_NAMES = [p.value for p in TicketPriority]
STATUS_NAMES = [s.value for s in TicketStatus]
ACTION_PARAMS: dict[RuleActionType, dict[str, tuple[bool, Any]]] = {
    A.SET_PRIORITY: {"priority": (True, _enum_parser(PRIORITY_NAMES, "priority"))},
    A.SET_STATUS: {"status": (True, _enum_parser(STATUS_NAMES, "status"))},
    A.SET_TEAM: {"teamId": (True, _ref_parser(TEAM))},
    A.SET_ASSIGNEE: {"agentId": (True, _ref_parser(AGENT))},
    A.ASSIGN_BY_STRATEGY: {"teamId": (False, _ref_parser(TEAM))},
    A.ADD_TAGS: {"tags": (True, _tags)},
    A.REMOVE_TAGS: {"tags": (True, _tags)},
    A.ADD_NOTE: {"body": (True, _text_parser(MAX_TEMPLATE))},
    A.SEND_REPLY: {"template": (True, _text_parser(MAX_TEMPLATE))},
    A.APPLY_SLA: {"policyId": (True, _ref_parser(SLA_POLICY))},
    A.CREATE_TASK: {
        "title": (True, _text_parser(200)),
        "dueInHours": (True, _hours),
        "assigneeId": (False, _ref_parser(AGENT)),
    },
    A.ESCALATE: {"teamId": (False, _ref_parser(TEAM)), "note": (False, _text_parser(500))},
    # Without minConfidence, the answer model's own abstain threshold.
    A.REPLY_WITH_ARTICLE: {
        "minConfidence": (False, _confidence),
        "template": (False, _text_parser(MAX_TEMPLATE)),
    },
}
