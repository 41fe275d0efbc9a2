"""One pass of rules over one ticket, in memory: each rule in position order whose conditions
hold (against the ticket as the rules before it left it) runs its actions once. Nothing is
written here; the flow writes the outcome in one guarded update, so a change made by a rule
never starts another pass.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bson import ObjectId

from app.core.db import Document
from app.tickets.models import (
    PRIORITY_RANK,
    TRANSITIONS,
    Author,
    AuthorKind,
    TicketPriority,
    TicketStatus,
    TicketType,
)
from app.tickets.service import status_changes
from app.workflow.conditions import Facts, matches
from app.workflow.models import RuleActionType

A = RuleActionType
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z.]+)\s*\}\}")
PLACEHOLDERS = (
    "customer.name", "customer.firstName", "ticket.number", "ticket.subject", "agent.name",
    "team.name",
)  # fmt: skip
# What a rule may change on the ticket document (with the fields that move with them).
WRITABLE = (
    "status", "statusChangedAt", "resolvedAt", "priority", "priorityRank", "teamId",
    "assigneeId", "tags", "queuedAt", "autoAnswer",
)  # fmt: skip
# The automatic answer's words around the article; a rule's template may replace them.
ANSWER_TEMPLATE = (
    "Hi {{customer.firstName}}, this article from our help center may answer your question."
)
ANSWER_FOOTER = "Did this answer your question? Tell us, and we close the ticket for you."
PRIORITIES = list(TicketPriority)


@dataclass(frozen=True)
class Answer:
    """The knowledge base's best article for the ticket, and how sure the model is."""

    article_id: ObjectId
    title: str
    body: str
    confidence: float
    threshold: float  # the model's abstain threshold


@dataclass(frozen=True)
class Directory:
    """Names the actions need: teams, agents and the ticket's customer; and the best article
    when a rule may answer with one."""

    teams: dict[ObjectId, Document]
    agents: dict[ObjectId, Document]
    customer: Document | None = None
    answer: Answer | None = None

    def team_name(self, team_id: Any) -> str | None:
        team = self.teams.get(team_id)
        return team["name"] if team else None

    def agent_name(self, agent_id: Any) -> str | None:
        agent = self.agents.get(agent_id)
        return agent["name"] if agent else None


@dataclass
class Firing:
    rule: Document
    changes: list[Document]  # {field, from, to}: readable values


@dataclass
class Outcome:
    """What the pass did: the ticket as the rules left it, and what the flow writes."""

    ticket: Document
    firings: list[Firing] = field(default_factory=list)
    messages: list[Document] = field(default_factory=list)
    tasks: list[Document] = field(default_factory=list)
    assign_team: ObjectId | None = None  # assign through this team's strategy...
    assign_rule: Document | None = None  # ...as this rule asked
    policy_id: ObjectId | None = None  # an SLA policy a rule applied

    def changed(self, original: Document) -> dict[str, Any]:
        return {k: self.ticket.get(k) for k in WRITABLE if self.ticket.get(k) != original.get(k)}


def render(template: str, ticket: Document, directory: Directory) -> str:
    customer = directory.customer or {}
    name = customer.get("name") or "there"
    values = {
        "customer.name": name,
        "customer.firstName": name.split()[0] if name.split() else name,
        "ticket.number": ticket.get("number", ""),
        "ticket.subject": ticket.get("subject", ""),
        "agent.name": directory.agent_name(ticket.get("assigneeId")) or "our team",
        "team.name": directory.team_name(ticket.get("teamId")) or "our team",
    }
    return PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), template)


def unknown_placeholders(template: str) -> list[str]:
    return [m for m in PLACEHOLDER.findall(template) if m not in PLACEHOLDERS]


def run(rules: Sequence[Document], facts: Facts, directory: Directory, now: datetime) -> Outcome:
    """Run ``rules`` (active, in position order) over ``facts.ticket``'s copy."""
    work = copy.deepcopy(facts.ticket)
    facts.ticket = work
    outcome = Outcome(work)
    for rule in rules:
        if not matches(rule["conditions"], facts):
            continue
        before = _view(work, directory)
        noted = len(outcome.messages), len(outcome.tasks)
        for action in rule["actions"]:
            _act(action, rule, outcome, directory, now)
        after = _view(work, directory)
        changes = [
            {"field": k, "from": before[k], "to": after[k]} for k in before if before[k] != after[k]
        ]
        changes += [
            {"field": "note" if m["internal"] else "reply", "from": None, "to": m["body"][:200]}
            for m in outcome.messages[noted[0] :]
        ]
        changes += [
            {"field": "task", "from": None, "to": t["title"]} for t in outcome.tasks[noted[1] :]
        ]
        outcome.firings.append(Firing(rule, changes))
    return outcome


def _view(ticket: Document, directory: Directory) -> dict[str, str | None]:
    tags = sorted(t["name"] if isinstance(t, dict) else t for t in ticket.get("tags") or [])
    return {
        "status": ticket.get("status"),
        "priority": ticket.get("priority"),
        "team": directory.team_name(ticket.get("teamId")),
        "assignee": directory.agent_name(ticket.get("assigneeId")),
        "tags": ", ".join(tags) or None,
    }


def _act(
    action: Document, rule: Document, outcome: Outcome, directory: Directory, now: datetime
) -> None:
    work, params = outcome.ticket, action["params"]
    match A(action["type"]):
        case A.SET_PRIORITY:
            _set_priority(work, TicketPriority(params["priority"]))
        case A.SET_STATUS:
            status = TicketStatus(params["status"])
            current = TicketStatus(work["status"])
            if status != current and status in TRANSITIONS.get(current, frozenset()):
                work.update(status_changes(status, now))
        case A.SET_TEAM:
            work["teamId"] = params["teamId"]
        case A.SET_ASSIGNEE:
            work["assigneeId"] = params.get("agentId")
            work["queuedAt"] = None
        case A.ASSIGN_BY_STRATEGY:
            team = params.get("teamId") or work.get("teamId")
            if team is not None:
                work["teamId"] = team
                outcome.assign_team, outcome.assign_rule = team, rule
        case A.ADD_TAGS:
            names = {t["name"] if isinstance(t, dict) else t for t in work.get("tags") or []}
            work["tags"] = [*(work.get("tags") or [])] + [
                {"name": name, "confidence": 1.0, "source": "RULE"}
                for name in params["tags"]
                if name not in names
            ]
        case A.REMOVE_TAGS:
            drop = set(params["tags"])
            work["tags"] = [
                t for t in work.get("tags") or []
                if (t["name"] if isinstance(t, dict) else t) not in drop
            ]  # fmt: skip
        case A.ADD_NOTE:
            outcome.messages.append(_message(rule, params["body"], True, now))
        case A.SEND_REPLY:
            body = render(params["template"], work, directory)
            outcome.messages.append(_message(rule, body, False, now))
        case A.APPLY_SLA:
            outcome.policy_id = params["policyId"]
        case A.CREATE_TASK:
            outcome.tasks.append(
                {
                    "title": render(params["title"], work, directory),
                    "dueAt": now + timedelta(hours=params["dueInHours"]),
                    "assigneeId": params.get("assigneeId") or work.get("assigneeId"),
                    "ruleId": rule["_id"],
                }
            )
        case A.ESCALATE:
            _escalate(params, rule, outcome, directory, now)
        case A.REPLY_WITH_ARTICLE:
            _answer(params, rule, outcome, directory, now)


def _set_priority(work: Document, priority: TicketPriority) -> None:
    work["priority"] = priority.value
    work["priorityRank"] = PRIORITY_RANK[priority]


def _escalate(
    params: Document, rule: Document, outcome: Outcome, directory: Directory, now: datetime
) -> None:
    """Raise the priority one step and tell the team lead in an internal note."""
    work = outcome.ticket
    rank = PRIORITY_RANK[TicketPriority(work["priority"])]
    _set_priority(work, PRIORITIES[min(rank + 1, len(PRIORITIES) - 1)])
    team_id = params.get("teamId") or work.get("teamId")
    team = directory.teams.get(team_id) if team_id is not None else None
    lead = directory.agent_name(team.get("leadId")) if team else None
    who = f"@{lead} ({team['name']} lead)" if lead and team else "Team lead"
    reason = params.get("note") or f"escalated by the rule '{rule['name']}'"
    body = f"{who}: ticket {work.get('number', '')} {reason}; priority is now {work['priority']}."
    outcome.messages.append(_message(rule, body, True, now))


def _answer(
    params: Document, rule: Document, outcome: Outcome, directory: Directory, now: datetime
) -> None:
    """Answer a consultation with the best article, once per ticket, when the model is sure
    enough (the rule's minConfidence, else the model's threshold)."""
    work, answer = outcome.ticket, directory.answer
    if (
        answer is None
        or work.get("type") != TicketType.CONSULTATION.value
        or work.get("autoAnswer")
    ):
        return
    if answer.confidence < params.get("minConfidence", answer.threshold):
        return
    intro = render(params.get("template") or ANSWER_TEMPLATE, work, directory)
    body = f"{intro}\n\n**{answer.title}**\n\n{answer.body}\n\n{ANSWER_FOOTER}"
    message = _message(rule, body, False, now)
    message.update(automatic=True, articleId=answer.article_id)
    outcome.messages.append(message)
    work["autoAnswer"] = {
        "articleId": answer.article_id,
        "confidence": round(answer.confidence, 4),
        "ruleId": rule.get("_id"),
        "at": now,
        "deflected": False,
    }


def _message(rule: Document, body: str, internal: bool, now: datetime) -> Document:
    author = Author(AuthorKind.RULE, f"Rule: {rule['name']}")
    return {**author.to_document(), "ruleId": rule.get("_id"), "body": body,
            "internal": internal, "at": now}  # fmt: skip
