"""A segment's customers: paged through the run's assignments (``app.customers.members``)."""

from __future__ import annotations

from dataclasses import dataclass

from bson import ObjectId

from app.core.db import MongoDatabase
from app.customers.members import MemberList
from app.segmentation.repository import AssignmentRepository


@dataclass(frozen=True)
class Members:
    """Which members: a run, optionally narrowed to segment keys and RFM groups."""

    run_id: ObjectId
    keys: list[str] | None
    groups: list[str] | None


class SegmentMembers(MemberList[Members]):
    def __init__(self, db: MongoDatabase) -> None:
        super().__init__(db)
        self.assignments = AssignmentRepository(db)

    async def member_ids(
        self, members: Members, *, after: ObjectId | None, forward: bool, limit: int
    ) -> list[ObjectId]:
        return await self.assignments.member_ids(
            members.run_id, members.keys, members.groups, after=after, forward=forward, limit=limit
        )
