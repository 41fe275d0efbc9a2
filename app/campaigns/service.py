"""Campaigns: their design checked whole, the lifecycle, and the rule that a running
experiment's design never changes."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime
from typing import Any

from bson import ObjectId
from pymongo.errors import DuplicateKeyError

from app.campaigns.models import (
    DESIGN,
    HOLDOUT,
    MAX_CONTENT,
    MAX_NAME,
    MAX_VARIANTS,
    MAX_WINDOW_DAYS,
    TRANSITIONS,
    CampaignStatus,
    combinations,
    factorial_key,
    new_campaign,
)
from app.campaigns.repository import CampaignAssignmentRepository, CampaignRepository
from app.core.db import Document, MongoDatabase
from app.core.errors import ErrorCode, InputError
from app.core.money import CURRENCY_EXPONENTS
from app.core.validation import Checker, check_transition
from app.orders.repository import OrderRepository

KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.%-]{0,39}$")
LEVEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.%-]{0,19}$")  # no "_": it joins a variant's key
LEVEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.%-]{0,19}$")  # no "_": it joins a variant's key
WEIGHT_TOLERANCE = 1e-6
MAX_FACTORS, MAX_LEVELS = 2, 5
MAX_HOLDOUT = 90.0


class CampaignService:
    def __init__(self, db: MongoDatabase) -> None:
        self.db = db
        self.campaigns = CampaignRepository(db)

    async def create(self, values: dict[str, Any]) -> Document:
        fields = await self._clean(values, None)
        fields.setdefault("seed", secrets.token_hex(8))
        if "currency" not in fields:
            fields["currency"] = await OrderRepository(self.db).main_currency(_now()) or "USD"
        try:
            return await self.campaigns.insert(new_campaign(fields, _now()))
        except DuplicateKeyError:  # the unique name index: a concurrent twin
            raise _name_taken() from None

    async def update(self, campaign_id: ObjectId, values: dict[str, Any]) -> Document:
        campaign = await self.get(campaign_id)
        fields = await self._clean(values, campaign)
        if not fields:
            return campaign
        try:
            changed = await self.campaigns.change(
                campaign_id, {**fields, "updatedAt": _now()}, status_in=[campaign["status"]]
            )
        except DuplicateKeyError:  # renamed concurrently to the same name
            raise _name_taken() from None
        if changed is None:
            raise InputError.one(
                "id", ErrorCode.INVALID_TRANSITION, "The campaign changed meanwhile; reload it."
            )
        return changed

    async def get(self, campaign_id: ObjectId, field: str = "id") -> Document:
        campaign = await self.campaigns.get(campaign_id)
        if campaign is None:
            raise InputError.one(field, ErrorCode.NOT_FOUND, "No campaign has this ID.")
        return campaign

    async def start(self, campaign_id: ObjectId) -> Document:
        return await self._move(campaign_id, CampaignStatus.RUNNING)

    async def stop(self, campaign_id: ObjectId) -> Document:
        return await self._move(campaign_id, CampaignStatus.STOPPED)

    async def complete(self, campaign_id: ObjectId) -> Document:
        return await self._move(campaign_id, CampaignStatus.COMPLETED)

    async def _move(self, campaign_id: ObjectId, status: CampaignStatus) -> Document:
        campaign = await self.get(campaign_id)
        current = CampaignStatus(campaign["status"])
        check_transition(TRANSITIONS, current, status)
        now = _now()
        changes: dict[str, Any] = {"status": status.value, "updatedAt": now}
        if status is CampaignStatus.RUNNING and campaign.get("startedAt") is None:
            changes["startedAt"] = now
            if campaign.get("startAt") is None:
                changes["startAt"] = now  # exposures count from here
        if status is CampaignStatus.COMPLETED:
            changes["completedAt"] = now
            if campaign.get("endAt") is None or _utc(campaign["endAt"]) > now:
                changes["endAt"] = now
        moved = await self.campaigns.change(campaign_id, changes, status_in=[current.value])
        if moved is None:
            raise InputError.one(
                "id", ErrorCode.INVALID_TRANSITION, "The campaign changed meanwhile; reload it."
            )
        return moved

    async def _clean(self, values: dict[str, Any], campaign: Document | None) -> dict[str, Any]:
        """The checked fields to write; every problem at once. ``campaign``: the stored one
        (an update), whose running design is fixed."""
        check = Checker()
        fields: dict[str, Any] = {}
        creating = campaign is None
        if campaign is not None and any(field in values for field in DESIGN):
            started = campaign["status"] != CampaignStatus.DRAFT.value
            if started or await CampaignAssignmentRepository(self.db).any(campaign["_id"]):
                why = f"it is {campaign['status']}" if started else "customers are assigned"
                for field in DESIGN:
                    if field in values:
                        check.add(
                            field,
                            ErrorCode.INVALID_TRANSITION,
                            f"{field} is fixed once customers may have seen the campaign "
                            f"({why}); copy it into a new campaign instead.",
                        )
                check.raise_if_any()
        if creating or "name" in values:
            name = check.text("name", values.get("name"), required=True, max_length=MAX_NAME)
            if name is not None:
                key = name.casefold()
                other = (await self.campaigns.by_name_keys([key])).get(key)
                if other is not None and (campaign is None or other["_id"] != campaign["_id"]):
                    check.errors.append(_name_taken().errors[0])
                fields |= {"name": name, "nameKey": key}
        for name in ("channel", "goal", "audience"):
            if name in values:
                fields[name] = values[name]
        if "currency" in values and values["currency"] is not None:
            currency = str(values["currency"]).upper()
            if currency not in CURRENCY_EXPONENTS:
                check.add("currency", ErrorCode.INVALID, f"Unsupported currency {currency}.")
            fields["currency"] = currency
        if "windowDays" in values:
            days = values["windowDays"]
            if not 1 <= days <= MAX_WINDOW_DAYS:
                check.add("windowDays", ErrorCode.OUT_OF_RANGE, f"1 to {MAX_WINDOW_DAYS} days.")
            fields["windowDays"] = days
        if "holdoutPercent" in values:
            holdout = values["holdoutPercent"]
            if not 0 <= holdout <= MAX_HOLDOUT:
                check.add("holdoutPercent", ErrorCode.OUT_OF_RANGE, f"0 to {MAX_HOLDOUT:g}.")
            fields["holdoutPercent"] = float(holdout)
        if "seed" in values and values["seed"] is not None:
            seed = check.text("seed", values["seed"], max_length=64)
            if seed is not None:
                fields["seed"] = seed
        self._times(check, values, campaign, fields)
        if creating or "variants" in values or "factors" in values:
            design = _design(
                check,
                values.get("variants", campaign and campaign["variants"]),
                values.get("factors", campaign and campaign.get("factors")),
            )
            if design is not None:
                fields["variants"], fields["factors"] = design
        check.raise_if_any()
        return fields

    @staticmethod
    def _times(
        check: Checker, values: dict[str, Any], campaign: Document | None, fields: dict[str, Any]
    ) -> None:
        for name in ("startAt", "endAt"):
            if name in values:
                fields[name] = _utc(values[name]) if values[name] is not None else None
        start = fields.get("startAt", campaign and campaign.get("startAt"))
        end = fields.get("endAt", campaign and campaign.get("endAt"))
        if start is not None and end is not None and _utc(end) <= _utc(start):
            check.add("endAt", ErrorCode.OUT_OF_RANGE, "endAt must be after startAt.")
        if campaign is not None and "startAt" in values and campaign.get("startedAt"):
            check.add("startAt", ErrorCode.INVALID_TRANSITION, "The campaign has started.")


def _design(
    check: Checker, variants: list[Document] | None, factors: list[Document] | None
) -> tuple[list[Document], list[Document] | None] | None:
    """The variants (the first is the control) and the factors of a factorial test, checked;
    with factors and no variants, one variant per combination of levels, equally weighted."""
    if factors:
        factors = _factors(check, factors)
        if factors is None:
            return None
        wanted = combinations(factors)
        if not variants:
            share = 1.0 / len(wanted)
            variants = [
                {
                    "key": factorial_key(levels),
                    "name": ", ".join(
                        f"{f['name']}: {v}" for f, v in zip(factors, levels, strict=True)
                    ),
                    "weight": share,
                    "content": None,
                    "levels": levels,
                }
                for levels in wanted
            ]
        given = [list(v.get("levels") or []) for v in variants]
        if sorted(given) != sorted(wanted) or len(given) != len(wanted):
            check.add(
                "variants",
                ErrorCode.INVALID,
                "With factors, the variants are every combination of their levels once each "
                "(each variant's levels in the factors' order); or leave variants out.",
            )
            return None
        # The control is the combination of every factor's first level.
        variants = sorted(variants, key=lambda v: wanted.index(list(v["levels"])))
    if not variants or not 2 <= len(variants) <= MAX_VARIANTS:
        check.add("variants", ErrorCode.INVALID, f"2 to {MAX_VARIANTS} variants.")
        return None
    cleaned: list[Document] = []
    for i, variant in enumerate(variants):
        key = str(variant.get("key") or "")
        if not KEY.match(key) or key == HOLDOUT:
            check.add(
                f"variants.{i}.key",
                ErrorCode.INVALID,
                "1-40 letters, digits, _ . % -, starting with a letter or digit; not holdout.",
            )
        weight = variant.get("weight")
        if weight is None or not 0 < weight <= 1:
            check.add(
                f"variants.{i}.weight", ErrorCode.OUT_OF_RANGE, "A weight is above 0, up to 1."
            )
        content = variant.get("content")
        if content is not None and len(content) > MAX_CONTENT:
            check.add(f"variants.{i}.content", ErrorCode.TOO_LONG, f"At most {MAX_CONTENT}.")
        cleaned.append(
            {
                "key": key,
                "name": (variant.get("name") or key).strip()[:MAX_NAME],
                "weight": float(weight or 0),
                "content": content,
                **({"levels": list(variant["levels"])} if factors else {}),
            }
        )
    if len({v["key"] for v in cleaned}) != len(cleaned):
        check.add("variants", ErrorCode.DUPLICATE, "Variant keys must be unique.")
    total = sum(v["weight"] for v in cleaned)
    if abs(total - 1.0) > WEIGHT_TOLERANCE:
        check.add("variants", ErrorCode.INVALID, f"The weights sum to {total:g}, not 1.")
    return cleaned, factors or None


def _factors(check: Checker, factors: list[Document]) -> list[Document] | None:
    if len(factors) > MAX_FACTORS:
        check.add("factors", ErrorCode.INVALID, f"At most {MAX_FACTORS} factors.")
        return None
    cleaned = []
    for i, factor in enumerate(factors):
        name = check.text(f"factors.{i}.name", factor.get("name"), required=True, max_length=40)
        levels = [str(level).strip() for level in factor.get("levels") or []]
        if not 2 <= len(levels) <= MAX_LEVELS or len(set(levels)) != len(levels):
            check.add(
                f"factors.{i}.levels", ErrorCode.INVALID, f"2 to {MAX_LEVELS} distinct levels."
            )
        elif any(not LEVEL.match(level) for level in levels):
            check.add(
                f"factors.{i}.levels",
                ErrorCode.INVALID,
                "Levels are short keys: letters, digits, . % - (no spaces or _).",
            )
        cleaned.append({"name": name, "levels": levels})
    if len({f["name"] for f in cleaned}) != len(cleaned):
        check.add("factors", ErrorCode.DUPLICATE, "Factor names must be unique.")
    return None if check.errors else cleaned


def _name_taken() -> InputError:
    return InputError.one("name", ErrorCode.DUPLICATE, "Another campaign has this name.")


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _now() -> datetime:
    return datetime.now(UTC)
