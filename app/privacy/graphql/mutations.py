"""``eraseCustomer`` (irreversible erasure of a customer's personal data) and
``exportCustomerData`` (all of it, to download): ADMIN only, audited."""

from __future__ import annotations

import strawberry

from app.core.db import Document
from app.customers.models import TYPE_NAME as CUSTOMER
from app.graphql.context import Info
from app.graphql.mutations import run_mutation
from app.graphql.payloads import payload
from app.graphql.permissions import ADMINS, allow
from app.graphql.relay import decode_input_id
from app.privacy.access import CustomerDataService
from app.privacy.graphql.types import CustomerDataExport, CustomerErasure
from app.privacy.service import ErasureService


@payload("erasure", CustomerErasure)
class EraseCustomerPayload: ...


@payload("export", CustomerDataExport)
class ExportCustomerDataPayload: ...


@strawberry.type
class PrivacyMutation:
    @strawberry.mutation(
        description="Erase a customer's personal data everywhere the CRM holds it (GDPR "
        "Art. 17). Irreversible. Orders stay, with their amounts, under a pseudonymous "
        "tombstone; the email can register again. Copies that cannot be edited (uploads, "
        "exports, backups) are listed in needsExpiry. Re-running an erase that failed half "
        "way finishes it; an erased customer gives ALREADY_ERASED.",
        extensions=[allow(ADMINS)],
    )
    async def erase_customer(
        self, info: Info, customer_id: strawberry.ID, reason: str
    ) -> EraseCustomerPayload:
        service = info.context.get(ErasureService)

        async def action() -> Document:
            return await service.erase(decode_input_id(customer_id, CUSTOMER, "customerId"), reason)

        return await run_mutation(
            info, EraseCustomerPayload, "erasure", action, CustomerErasure.from_document, CUSTOMER
        )

    @strawberry.mutation(
        description="Everything the CRM holds about a customer (GDPR Art. 15) as one JSON "
        "document: record, orders, tickets with messages, survey answers, segments, "
        "propensity scores, campaigns, tasks, audit entries and webhook deliveries about them. "
        "Returned as a signed link that expires like an export's; audited (without the link).",
        extensions=[allow(ADMINS)],
    )
    async def export_customer_data(
        self, info: Info, customer_id: strawberry.ID
    ) -> ExportCustomerDataPayload:
        service = info.context.get(CustomerDataService)
        links: dict[str, str] = {}

        async def action() -> Document:
            decoded = decode_input_id(customer_id, CUSTOMER, "customerId")
            written = await service.export(decoded, info.context.settings)
            links["url"] = written.pop("url")
            return written

        return await run_mutation(
            info,
            ExportCustomerDataPayload,
            "export",
            action,
            lambda document: CustomerDataExport.from_document(document, links["url"]),
            CUSTOMER,
            announce=False,
        )
