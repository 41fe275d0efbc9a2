"""CAMPAIGN_EVENTS files: an email tool's history of sends, opens, clicks and conversions.

Rows name their campaign (its name or ID) and customer (by email). Each row is checked as
``recordCampaignEvents`` checks an event; a bad row is reported and the others are written.
Repeats of recorded events (same customer, event and time) are counted as ``updated``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bson import ObjectId

from app.campaigns.events import CampaignEvents, Event
from app.campaigns.models import TYPE_NAME, CampaignEventType
from app.campaigns.repository import CampaignRepository
from app.core.batches import in_timed_batches
from app.core.db import Document
from app.core.errors import ErrorCode, FieldError, InputError
from app.customers.repository import CustomerRepository
from app.graphql.relay import InvalidGlobalId, decode_id
from app.imports.importers import Importer, Tally
from app.imports.parsing import Row, as_datetime, as_decimal, as_enum, as_text
from app.jobs.context import JobContext

COLUMN_OF = {"customerId": "customerEmail"}  # the event's field as the file names it


class CampaignEventImporter(Importer):
    async def run(self, rows: list[tuple[int, Row]], context: JobContext, tally: Tally) -> None:
        service = CampaignEvents(self.db)
        campaigns: dict[str, Document | InputError] = {}

        async def write(batch: Sequence[tuple[int, Row]]) -> None:
            emails = sorted({(as_text(r, "customerEmail") or "").lower() for _, r in batch})
            customers = await CustomerRepository(self.db).ids_by_emails(emails)
            by_campaign: dict[Any, list[tuple[int, Event]]] = {}
            for number, row in batch:
                try:
                    campaign = await self._campaign(service, campaigns, row)
                    event = _event(row, customers)
                except InputError as error:
                    tally.fail(number, error)
                    continue
                by_campaign.setdefault(campaign["_id"], []).append((number, event))
            for campaign_id, numbered in by_campaign.items():
                found = campaigns[str(campaign_id)]
                assert not isinstance(found, InputError)
                checked = await service.check(found, [event for _, event in numbered])
                for i, errors in checked.errors.items():
                    fields = [
                        FieldError(COLUMN_OF.get(e.field or "", e.field), e.code, e.message)
                        for e in errors
                    ]
                    tally.fail(numbered[i][0], InputError(fields))
                recorded = await service.write(checked)
                tally.imported += recorded.recorded
                tally.updated += recorded.duplicates

        async def written(done: int) -> None:
            await context.progress(done, len(rows), "importing")

        await in_timed_batches(rows, context.batch_sizer(), write, written, what="importing")

    async def _campaign(
        self, service: CampaignEvents, known: dict[str, Document | InputError], row: Row
    ) -> Document:
        """The row's campaign (by ID or name), looked up once per file."""
        if row.get("__invalid__"):
            raise InputError.one(None, ErrorCode.INVALID, "Not a JSON object.")
        given = as_text(row, "campaign")
        if given is None:
            raise InputError.one("campaign", ErrorCode.REQUIRED, "campaign is required.")
        if given not in known:
            known[given] = await self._find(service, given)
        found = known[given]
        if isinstance(found, InputError):
            raise found
        known[str(found["_id"])] = found
        return found

    async def _find(self, service: CampaignEvents, given: str) -> Document | InputError:
        try:
            campaign_id: ObjectId | None = decode_id(given, TYPE_NAME)
        except InvalidGlobalId:
            campaign_id = None
        if campaign_id is None:
            named = (await CampaignRepository(self.db).by_name_keys([given.casefold()])).get(
                given.casefold()
            )
            if named is None:
                return InputError.one("campaign", ErrorCode.NOT_FOUND, f"No campaign {given!r}.")
            campaign_id = named["_id"]
        try:
            return await service.recording(campaign_id, "campaign")
        except InputError as error:
            return error


def _event(row: Row, customers: dict[str, ObjectId]) -> Event:
    problems: list[FieldError] = []
    values: dict[str, Any] = {}
    for column, read in (
        ("event", lambda: as_enum(row, "event", CampaignEventType)),
        ("at", lambda: as_datetime(row, "at")),
        ("revenue", lambda: as_decimal(row, "revenue")),
    ):
        try:
            values[column] = read()
        except InputError as error:
            problems += error.errors
    email = (as_text(row, "customerEmail") or "").lower()
    customer = customers.get(email)
    if customer is None:
        problems.append(
            FieldError("customerEmail", ErrorCode.NOT_FOUND, f"No customer has email {email!r}.")
        )
    variant = as_text(row, "variant")
    if variant is None:
        problems.append(FieldError("variant", ErrorCode.REQUIRED, "variant is required."))
    for column in ("event", "at"):
        if column in values and values[column] is None:  # missing, not unparsable
            problems.append(FieldError(column, ErrorCode.REQUIRED, f"{column} is required."))
    if problems:
        raise InputError(problems)
    assert customer is not None
    assert variant is not None
    return Event(customer, variant, values["event"], values["at"], values["revenue"])
