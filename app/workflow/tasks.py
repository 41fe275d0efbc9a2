"""Follow-up tasks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bson import ObjectId

from app.core.db import Document, MongoDatabase
from app.core.errors import ErrorCode, InputError
from app.core.validation import Checker
from app.customers.repository import CustomerRepository
from app.tickets.repository import TicketRepository
from app.workflow.checks import now_utc
from app.workflow.models import TaskStatus
from app.workflow.repository import AgentRepository, TaskRepository


class TaskService:
    """Follow-up tasks; a ticket's earliest open due date is kept on the ticket for rules."""

    def __init__(self, db: MongoDatabase) -> None:
        self.tasks = TaskRepository(db)
        self.tickets = TicketRepository(db)
        self.customers = CustomerRepository(db)
        self.agents = AgentRepository(db)

    async def create(self, values: dict[str, Any]) -> Document:
        check = Checker()
        title = check.text("title", values.get("title"), required=True, max_length=200)
        due: datetime | None = values.get("due_at")
        if due is None:
            check.add("dueAt", ErrorCode.REQUIRED, "dueAt is required.")
        ticket_id, customer_id = values.get("ticket_id"), values.get("customer_id")
        ticket = await self.tickets.get(ticket_id) if ticket_id else None
        if ticket_id and ticket is None:
            check.add("ticketId", ErrorCode.NOT_FOUND, "No ticket has this ID.")
        if ticket is not None:
            if customer_id and customer_id != ticket["customerId"]:
                check.add("customerId", ErrorCode.INVALID, "The ticket is another customer's.")
            customer_id = ticket["customerId"]
        elif customer_id and await self.customers.get(customer_id) is None:
            check.add("customerId", ErrorCode.NOT_FOUND, "No customer has this ID.")
        await self._check_assignee(check, values.get("assignee_id"))
        check.raise_if_any()
        now = now_utc()
        task = await self.tasks.insert(
            {"title": title, "ticketId": ticket_id, "customerId": customer_id,
             "assigneeId": values.get("assignee_id"), "dueAt": due,
             "status": TaskStatus.OPEN.value, "completedAt": None, "ruleId": None,
             "createdAt": now, "updatedAt": now}
        )  # fmt: skip
        await self._refresh(ticket_id)
        return task

    async def update(self, task_id: ObjectId, values: dict[str, Any]) -> Document:
        task = await self.tasks.get(task_id)
        if task is None:
            raise InputError.one("id", ErrorCode.NOT_FOUND, "No task has this ID.")
        check = Checker()
        changes: dict[str, Any] = {}
        if "title" in values:
            changes["title"] = check.text("title", values["title"], required=True, max_length=200)
        if values.get("due_at") is not None:
            changes["dueAt"] = values["due_at"]
        if "assignee_id" in values:
            await self._check_assignee(check, values["assignee_id"])
            changes["assigneeId"] = values["assignee_id"]
        if values.get("status") is not None:
            status: TaskStatus = values["status"]
            if task["status"] != TaskStatus.OPEN.value and status.value != task["status"]:
                check.add("status", ErrorCode.INVALID_TRANSITION, "The task is finished.")
            changes["status"] = status.value
            changes["completedAt"] = now_utc() if status is TaskStatus.DONE else None
        check.raise_if_any()
        changes["updatedAt"] = now_utc()
        updated = await self.tasks.change(task_id, {"status": task["status"]}, changes)
        if updated is None:
            raise InputError.one("id", ErrorCode.INVALID_TRANSITION, "The task changed meanwhile.")
        await self._refresh(updated.get("ticketId"))
        return updated

    async def complete(self, task_id: ObjectId) -> Document:
        return await self.update(task_id, {"status": TaskStatus.DONE})

    async def _check_assignee(self, check: Checker, agent_id: ObjectId | None) -> None:
        if agent_id is not None and await self.agents.get(agent_id) is None:
            check.add("assigneeId", ErrorCode.NOT_FOUND, "No agent has this ID.")

    async def _refresh(self, ticket_id: ObjectId | None) -> None:
        if ticket_id is not None:
            due = await self.tasks.next_due(ticket_id)
            await self.tickets.collection.update_one(
                {"_id": ticket_id}, {"$set": {"taskDueAt": due}}
            )
