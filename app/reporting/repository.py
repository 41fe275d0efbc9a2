"""The tickets collection read for reports. It is the tickets' repository (its indexes are
``TicketRepository``'s, where each report's first ``$match`` finds one); the pipelines, with
the metric definitions, are in ``app.reporting.pipelines``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from app.core.db import Document
from app.reporting import pipelines
from app.tickets.repository import TicketRepository

type Query = dict[str, Any]


class ReportRepository(TicketRepository):
    async def _rows(self, pipeline: pipelines.Pipeline) -> list[Document]:
        cursor = await self.collection.aggregate(pipeline)
        return await cursor.to_list()

    async def created(
        self, query: Query, start: datetime, end: datetime, unit: str, groups: Sequence[str]
    ) -> list[Document]:
        return await self._rows(pipelines.created(query, start, end, unit, groups))

    async def first_replies(
        self, query: Query, start: datetime, end: datetime, unit: str, groups: Sequence[str]
    ) -> list[Document]:
        return await self._rows(pipelines.first_replies(query, start, end, unit, groups))

    async def solved(
        self, query: Query, start: datetime, end: datetime, unit: str, groups: Sequence[str]
    ) -> list[Document]:
        return await self._rows(pipelines.solved(query, start, end, unit, groups))

    async def backlog(
        self, query: Query, ends: Sequence[datetime], unit: str, groups: Sequence[str]
    ) -> list[Document]:
        return await self._rows(pipelines.backlog(query, ends, unit, groups))

    async def complainers(
        self, query: Query, start: datetime, end: datetime, unit: str
    ) -> list[Document]:
        return await self._rows(pipelines.complainers(query, start, end, unit))

    async def repeat_complainers(
        self, query: Query, since: datetime, end: datetime, limit: int
    ) -> list[Document]:
        return await self._rows(pipelines.repeat_complainers(query, since, end, limit))
