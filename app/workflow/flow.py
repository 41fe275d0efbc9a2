"""The ticket workflow: every change to a ticket (created, updated, a message, new tags, the
scheduled sweep) is one event; the event's rules run over the ticket, the SLA policy in force
is chosen and its clocks advanced, and the outcome is written in one guarded update, together
with the assignment bookkeeping that keeps every agent within their capacity.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from bson import ObjectId

from app.core.db import Document, MongoDatabase
from app.core.errors import ErrorCode, InputError
from app.customers.repository import CustomerRepository
from app.knowledge.repository import ArticleRepository
from app.segmentation.repository import AssignmentRepository, SegmentationRunRepository
from app.tickets import metrics
from app.tickets.models import Author, AuthorKind, TicketDraft, TicketStatus
from app.tickets.repository import TicketRepository
from app.tickets.service import TicketService, status_changes
from app.workflow import engine, sla
from app.workflow.answers import best_answer
from app.workflow.assignment import AgentFull, Assignment
from app.workflow.conditions import Facts, matches
from app.workflow.models import RuleActionType, RuleEvent, RuleField
from app.workflow.repository import (
    AgentRepository,
    BusinessHoursRepository,
    RuleRepository,
    RuleRunRepository,
    SlaPolicyRepository,
    TaskRepository,
    TeamRepository,
)
from app.workflow.setup import Setup, load_setup

log = logging.getLogger(__name__)

ATTEMPTS = 5
SEGMENT_FIELDS = {RuleField.RFM_GROUP.value, RuleField.SEGMENT_RANK.value}


class Workflow:
    def __init__(self, db: MongoDatabase) -> None:
        self.service = TicketService(db)
        self.tickets = TicketRepository(db)
        self.customers = CustomerRepository(db)
        self.rules = RuleRepository(db)
        self.runs = RuleRunRepository(db)
        self.agents = AgentRepository(db)
        self.teams = TeamRepository(db)
        self.policies = SlaPolicyRepository(db)
        self.hours = BusinessHoursRepository(db)
        self.tasks = TaskRepository(db)
        self.segment_runs = SegmentationRunRepository(db)
        self.assignments = AssignmentRepository(db)  # segment assignments
        self.assignment = Assignment(db)
        self.articles = ArticleRepository(db)
        self.db = db

    # The ticket API -------------------------------------------------------------------------

    async def create(self, draft: TicketDraft, *, owner: ObjectId | None = None) -> Document:
        """A new ticket, written once with what its TICKET_CREATED rules made of it (and its
        assignee's capacity taken first): no moment exists where it is stored unrouted.
        ``owner``: the customer opening it, who opens tickets only for themselves."""
        document = {"_id": ObjectId(), **await self.service.prepare(draft, owner=owner)}
        event, now = RuleEvent.TICKET_CREATED, document["updatedAt"]
        try:
            setup = await self.setup(event)
            outcome, state = await self.plan(event, None, document, setup.rules[event], setup, now)
        except Exception:
            log.exception(
                "the TICKET_CREATED rules failed; ticket %s saved as sent", document["number"]
            )
            return await self.tickets.insert(document)
        ticket = {**outcome.ticket, "sla": state, "messages": outcome.messages}
        recorded = self._recorded(document, outcome.changed(document), now, setup,
                                  by_rule=True, escalated=_escalates(outcome))  # fmt: skip
        ticket = metrics.applied(ticket, recorded)
        if outcome.tasks:
            ticket["taskDueAt"] = min(t["dueAt"] for t in outcome.tasks)
        written = await self.assignment.insert(
            ticket, now, assign_team=outcome.assign_team, teams=setup.teams
        )
        await self._after(event, written, outcome, now, document)
        return written

    async def update(self, ticket_id: ObjectId, values: dict[str, Any]) -> Document:
        """Change status, priority, team or assignee (only the fields given), then run the
        TICKET_UPDATED rules. An assignee at capacity is refused."""
        setup = await self.setup(RuleEvent.TICKET_UPDATED)
        for _ in range(ATTEMPTS):
            ticket = await self.service.get(ticket_id)
            now = datetime.now(UTC)
            changes = self.service.changes(ticket, values, now)
            changes.update(await self._people(ticket, values))
            if not changes:
                return ticket
            changes.update(self._recorded(ticket, changes, now, setup, by_rule=False))
            changes["updatedAt"] = now
            try:
                written = await self.assignment.write(ticket, {"$set": changes}, now, strict=True)
            except AgentFull as full:
                raise InputError.one(
                    "assigneeId", ErrorCode.OUT_OF_RANGE,
                    "The agent is at capacity: every ticket they can take is taken.",
                ) from full  # fmt: skip
            if written is not None:
                return await self.react(RuleEvent.TICKET_UPDATED, ticket, written, setup=setup)
        raise _changed_meanwhile()

    async def add_message(
        self,
        ticket_id: ObjectId,
        author: Author,
        body: str,
        internal: bool,
        *,
        owner: ObjectId | None = None,
    ) -> Document:
        """Adds a message; ``owner``: the customer writing, who may write only on their own."""
        before = await self.service.get(ticket_id, field="ticketId", owner=owner)
        customer = author.kind is AuthorKind.CUSTOMER
        event = RuleEvent.CUSTOMER_MESSAGE if customer else RuleEvent.AGENT_MESSAGE
        setup = await self.setup(event)
        business = setup.business_minutes(before)
        ticket = await self.service.add_message(ticket_id, author, body, internal, business)
        preset: dict[str, Any] = {}
        if customer and ticket["status"] == TicketStatus.RESOLVED.value:
            # The customer wrote again: a resolved ticket opens again.
            preset = status_changes(TicketStatus.OPEN, ticket["updatedAt"])
        return await self.react(event, before, ticket, preset=preset, setup=setup)

    async def tags_changed(self, before: Document) -> Document | None:
        """After the tagger or an agent changed the ticket's tags (``before``: as read for
        tagging); None if the ticket is gone."""
        ticket = await self.tickets.get(before["_id"])
        if ticket is None:
            return None
        tagged = ("tags", "language", "sentiment")
        if all(ticket.get(k) == before.get(k) for k in tagged):
            return ticket  # nothing changed (the tagger skipped it, or found the same)
        previous = {**ticket, **{k: before.get(k) for k in tagged}}
        return await self.react(RuleEvent.TAGS_CHANGED, previous, ticket)

    # Events ---------------------------------------------------------------------------------

    async def setup(self, *events: RuleEvent) -> Setup:
        return await load_setup(self.db, events)

    async def react(
        self, event: RuleEvent, before: Document | None, ticket: Document, *,
        preset: dict[str, Any] | None = None, setup: Setup | None = None,
        rules: list[Document] | None = None, now: datetime | None = None,
    ) -> Document:  # fmt: skip
        """Run ``event``'s rules (or ``rules``) over ``ticket`` and write the outcome; returns
        the ticket as written (as given when nothing changed)."""
        try:
            return await self._react(event, before, ticket, preset, setup, rules, now)
        except InputError:
            raise
        except Exception:
            # What the caller asked for is written already: a failing rule must not turn it
            # into an error (or a retry that writes it twice). It is logged for a look.
            log.exception("the %s rules failed on ticket %s", event.value, ticket["_id"])
            return ticket

    async def _react(
        self, event: RuleEvent, before: Document | None, ticket: Document,
        preset: dict[str, Any] | None, setup: Setup | None, rules: list[Document] | None,
        now: datetime | None,
    ) -> Document:  # fmt: skip
        setup = setup or await self.setup(event)
        chosen = setup.rules.get(event, []) if rules is None else rules
        for _ in range(ATTEMPTS):
            at = now or datetime.now(UTC)
            result = await self._attempt(event, before, ticket, chosen, setup, at, preset or {})
            if result is not None:
                return result
            fresh = await self.tickets.get(ticket["_id"])
            if fresh is None:
                return ticket
            ticket = fresh
        log.warning("rules on ticket %s gave up: it kept changing", ticket["_id"])
        return ticket

    async def plan(
        self, event: RuleEvent, before: Document | None, ticket: Document,
        rules: list[Document], setup: Setup, now: datetime, preset: dict[str, Any] | None = None,
    ) -> tuple[engine.Outcome, Document | None]:  # fmt: skip
        """The rules' outcome and the SLA state after it, computed without writing."""
        start = {**ticket, **(preset or {})}
        facts = await self.facts(start, before, rules, setup, now)
        directory = await self._directory(start, rules, setup, facts.customer)
        outcome = engine.run(rules, facts, directory, now)
        clock = self._clock(outcome, facts, setup)
        state = sla.advance(ticket.get("sla"), clock, before, outcome.ticket, now)
        return outcome, state

    async def _attempt(
        self, event: RuleEvent, before: Document | None, ticket: Document,
        rules: list[Document], setup: Setup, now: datetime, preset: dict[str, Any],
    ) -> Document | None:  # fmt: skip
        guard: dict[str, Any] = {}
        if event is RuleEvent.SCHEDULED:
            # At most once per ticket until re-armed, even with several sweepers at once.
            fired = set(ticket.get("scheduledRules") or [])
            rules = [r for r in rules if r["_id"] not in fired]
            if rules:
                guard["scheduledRules"] = {"$nin": [r["_id"] for r in rules]}
        outcome, state = await self.plan(event, before, ticket, rules, setup, now, preset)
        changes = outcome.changed(ticket)
        by_rule = outcome.ticket["status"] != preset.get("status", ticket["status"])
        changes.update(self._recorded(ticket, changes, now, setup, by_rule=by_rule,
                                      escalated=_escalates(outcome)))  # fmt: skip
        if state != ticket.get("sla"):
            changes["sla"] = state
        if outcome.tasks:
            dues = [t["dueAt"] for t in outcome.tasks]
            if ticket.get("taskDueAt") is not None:
                dues.append(ticket["taskDueAt"])
            changes["taskDueAt"] = min(dues)
        if not changes and not outcome.firings and outcome.assign_team is None:
            return ticket
        update: dict[str, Any] = {}
        # The sweep is no activity: its writes leave updatedAt alone, so "N hours since
        # updated" counts from what people did and a scheduled rule cannot re-arm itself.
        touches = changes.keys() - {"sla"} or outcome.messages or outcome.assign_team
        if touches and event is not RuleEvent.SCHEDULED:
            changes["updatedAt"] = now
        if changes:
            update["$set"] = changes
        if outcome.messages:
            update["$push"] = {"messages": {"$each": outcome.messages}}
        if event is RuleEvent.SCHEDULED and outcome.firings:
            update["$addToSet"] = {"scheduledRules": {"$each": [f.rule["_id"] for f in
                                                                outcome.firings]}}  # fmt: skip
        if not update:
            written: Document | None = ticket
        else:
            written = await self.assignment.write(
                ticket, update, now, assign_team=outcome.assign_team, teams=setup.teams, guard=guard
            )
        if written is None:
            return None
        await self._after(event, written, outcome, now, ticket)
        return written

    async def _after(
        self, event: RuleEvent, ticket: Document, outcome: engine.Outcome, now: datetime,
        original: Document,
    ) -> None:  # fmt: skip
        """Tasks and the runs log, once the ticket is written. The
        assignment a rule asked for happened in the write: its run says who got the ticket."""
        if outcome.assign_rule is not None and ticket.get("assigneeId") != original.get(
            "assigneeId"
        ):
            directory = await self._directory(ticket, [], Setup({}, [], {}, {}), None)
            for firing in outcome.firings:
                if firing.rule is outcome.assign_rule:
                    firing.changes = [c for c in firing.changes if c["field"] != "assignee"] + [
                        {"field": "assignee",
                         "from": directory.agent_name(original.get("assigneeId")),
                         "to": directory.agent_name(ticket.get("assigneeId"))}
                    ]  # fmt: skip
        for task in outcome.tasks:
            task["assigneeId"] = task["assigneeId"] or ticket.get("assigneeId")
            await self.tasks.insert(
                {**task, "ticketId": ticket["_id"], "customerId": ticket["customerId"],
                 "status": "OPEN", "completedAt": None, "createdAt": now, "updatedAt": now}
            )  # fmt: skip
        answered = ticket.get("autoAnswer")
        if answered and not original.get("autoAnswer"):
            await self.articles.count_up(answered["articleId"], {"automaticAnswers": 1})
        if outcome.firings:
            await self.runs.record(
                [
                    {
                        "ruleId": f.rule["_id"],
                        "ruleName": f.rule["name"],
                        "ticketId": ticket["_id"],
                        "ticketNumber": ticket.get("number"),
                        "event": event.value,
                        "changes": f.changes,
                        "at": now,
                    }
                    for f in outcome.firings
                ]
            )

    async def facts(
        self, ticket: Document, before: Document | None, rules: list[Document], setup: Setup,
        now: datetime,
    ) -> Facts:  # fmt: skip
        conditions = [r["conditions"] for r in rules] + [p["conditions"] for p in setup.policies]
        customer = await self.customers.get(ticket["customerId"])
        segment = None
        if any(
            c["field"] in SEGMENT_FIELDS
            for conds in conditions
            for c in [*conds.get("all", []), *conds.get("any", [])]
        ):
            segment = await self._segment(ticket["customerId"], setup)
        current = setup.policy((ticket.get("sla") or {}).get("policyId"))
        return Facts(
            ticket=ticket,
            before=before,
            now=now,
            customer=customer,
            segment=segment,
            schedule=setup.schedule_of(current or next(iter(setup.policies), None)),
        )

    async def _segment(self, customer_id: ObjectId, setup: Setup) -> Document | None:
        if not setup.segmentation:
            setup.segmentation.append(await self.segment_runs.latest())
        run = setup.segmentation[0]
        if run is None:
            return None
        found = await self.assignments.for_customers(run["_id"], [customer_id])
        assignment = found.get(customer_id)
        if assignment is None:
            return None
        ranks = {s["key"]: s["rank"] for s in run["segments"]}
        return {
            "rank": ranks.get(assignment["key"]),
            "group": (assignment.get("rfm") or {}).get("group"),
        }

    async def _directory(
        self, ticket: Document, rules: list[Document], setup: Setup, customer: Document | None
    ) -> engine.Directory:
        wanted = {ticket.get("assigneeId")} | {t.get("leadId") for t in setup.teams.values()}
        for rule in rules:
            for action in rule["actions"]:
                wanted |= {action["params"].get("agentId"), action["params"].get("assigneeId")}
        ids = [i for i in wanted if i is not None and i not in setup.agents]
        if ids:
            for agent in await self.agents.find_in("_id", ids):
                setup.agents[agent["_id"]] = agent
        answer = await best_answer(self.db, ticket, rules)
        return engine.Directory(setup.teams, setup.agents, customer, answer)

    @staticmethod
    def _recorded(
        ticket: Document, changes: dict[str, Any], now: datetime, setup: Setup, *,
        by_rule: bool, escalated: bool = False,
    ) -> dict[str, Any]:  # fmt: skip
        """The metrics and survey fields that go into the write of ``changes``."""
        business = setup.business_minutes(ticket)
        return metrics.recorded(ticket, changes, now, business, setup.survey_types,
                                by_rule=by_rule, escalated=escalated)  # fmt: skip

    @staticmethod
    def _clock(outcome: engine.Outcome, facts: Facts, setup: Setup) -> sla.Clock | None:
        """The policy in force: one a rule applied (now or before), else the first whose
        conditions hold."""
        current = outcome.ticket.get("sla") or {}
        for policy_id in (outcome.policy_id, current.get("byRule") and current.get("policyId")):
            policy = setup.policy(policy_id) if policy_id else None
            if policy is not None:
                return sla.Clock(policy, setup.schedule_of(policy), by_rule=True)
        facts.ticket = outcome.ticket
        for policy in setup.policies:
            if matches(policy["conditions"], facts):
                return sla.Clock(policy, setup.schedule_of(policy))
        return None

    async def _people(self, ticket: Document, values: dict[str, Any]) -> dict[str, Any]:
        """Checked team and assignee changes (IDs decoded by the caller)."""
        changes: dict[str, Any] = {}
        if "team_id" in values:
            team_id = values["team_id"]
            if team_id is not None and await self.teams.get(team_id) is None:
                raise InputError.one("teamId", ErrorCode.NOT_FOUND, "No team has this ID.")
            if team_id != ticket.get("teamId"):
                changes["teamId"] = team_id
        if "assignee_id" in values:
            agent_id = values["assignee_id"]
            if agent_id is not None and await self.agents.get(agent_id) is None:
                raise InputError.one("assigneeId", ErrorCode.NOT_FOUND, "No agent has this ID.")
            if agent_id != ticket.get("assigneeId"):
                changes.update(assigneeId=agent_id, queuedAt=None)
        return changes


def _escalates(outcome: engine.Outcome) -> bool:
    """An ESCALATE action fired (at URGENT it raises nothing, but it is an escalation)."""
    actions = [action["type"] for firing in outcome.firings for action in firing.rule["actions"]]
    return any(RuleActionType(kind) is RuleActionType.ESCALATE for kind in actions)


def _changed_meanwhile() -> InputError:
    return InputError.one(
        "id", ErrorCode.INVALID_TRANSITION, "The ticket changed meanwhile; reload it."
    )
