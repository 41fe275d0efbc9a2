"""Campaigns by ID, batched per request."""

from __future__ import annotations

from bson import ObjectId

from app.campaigns.repository import CampaignRepository
from app.core.db import Document
from app.graphql.connections import load_by_id
from app.graphql.context import Info


async def campaign(info: Info, object_id: ObjectId) -> Document | None:
    return await load_by_id(info.context, CampaignRepository, object_id)
