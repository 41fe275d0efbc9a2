"""Customer rules, through the service: what is cleaned, what is refused (every problem at
once, nothing written), and the archive/restore transitions."""

from __future__ import annotations

import pytest
from bson import ObjectId

from app.core.db import Database
from app.core.errors import ErrorCode, InputError
from app.customers.models import LifecycleStage
from app.customers.service import CustomerService
from tests.conftest import error_codes


def test_input_is_cleaned_before_it_is_stored(database: Database) -> None:
    fields = CustomerService(database.db).clean(
        {
            "name": "  Ada Lovelace ",
            "email": "Ada@Example.COM",
            "tags": [" vip", "vip", "", "b2b"],
            "address": {"city": "London", "country": "gb"},
        },
        creating=True,
    )
    assert fields["name"] == "Ada Lovelace"
    assert fields["email"] == "ada@example.com"
    assert fields["tags"] == ["vip", "b2b"]
    assert fields["address"]["country"] == "GB"
    assert fields["lifecycleStage"] == LifecycleStage.LEAD.value


async def test_every_problem_is_reported_together_and_nothing_is_written(
    database: Database,
) -> None:
    service = CustomerService(database.db)
    with pytest.raises(InputError) as refused:
        await service.create(
            {
                "name": " ",
                "email": "not an address",
                "phone": "call me",
                "tags": ["x"] * 51,
                "address": {"country": "Britain"},
            }
        )
    assert error_codes(refused) == {
        "name": ErrorCode.REQUIRED,
        "email": ErrorCode.INVALID,
        "phone": ErrorCode.INVALID,
        "tags": ErrorCode.OUT_OF_RANGE,
        "address.country": ErrorCode.INVALID,
    }
    assert await database.db["customers"].count_documents({}) == 0


async def test_an_email_belongs_to_one_customer(database: Database) -> None:
    service = CustomerService(database.db)
    await service.create({"name": "Ada", "email": "ada@example.com"})
    other = await service.create({"name": "Grace", "email": "grace@example.com"})
    with pytest.raises(InputError) as duplicate:
        await service.create({"name": "Ada again", "email": "ADA@example.com"})
    assert error_codes(duplicate) == {"email": ErrorCode.DUPLICATE}
    with pytest.raises(InputError) as taken:
        await service.update(other["_id"], {"email": "ada@example.com"})
    assert error_codes(taken) == {"email": ErrorCode.DUPLICATE}
    assert (await database.db["customers"].find_one({"_id": other["_id"]}))["email"] == (
        "grace@example.com"
    )


async def test_archive_and_restore_are_transitions(database: Database) -> None:
    service = CustomerService(database.db)
    customer = await service.create({"name": "Ada", "email": "ada@example.com"})
    with pytest.raises(InputError) as not_archived:
        await service.restore(customer["_id"])
    assert error_codes(not_archived) == {"id": ErrorCode.INVALID_TRANSITION}
    archived = await service.archive(customer["_id"])
    assert archived["archivedAt"] is not None
    with pytest.raises(InputError) as twice:
        await service.archive(customer["_id"])
    assert error_codes(twice) == {"id": ErrorCode.INVALID_TRANSITION}
    assert (await service.restore(customer["_id"]))["archivedAt"] is None
    with pytest.raises(InputError) as unknown:
        await service.archive(ObjectId())
    assert error_codes(unknown) == {"id": ErrorCode.NOT_FOUND}
