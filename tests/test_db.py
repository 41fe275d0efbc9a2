"""The embedded store: a real wire server whose SQLite file survives restarts."""

from __future__ import annotations

from pathlib import Path

from app.core.db import Database
from app.core.settings import Settings
from app.repositories import REPOSITORIES
from app.tickets.repository import TicketRepository


async def test_sqlite_store_survives_a_restart_and_counts_text_matches(tmp_path: Path) -> None:
    settings = Settings(data_file=str(tmp_path / "nested" / "crm.sqlite"))
    database = await Database.connect(settings)
    try:
        await database.ensure_indexes(REPOSITORIES)
        tickets = TicketRepository(database.db)
        await tickets.insert_many(
            [
                {"number": "TK-1", "subject": "refund please", "body": "charged twice"},
                {"number": "TK-2", "subject": "hello", "body": "world"},
                {"number": "TK-3", "subject": "late", "body": "no refund yet"},
            ]
        )
    finally:
        await database.close()

    database = await Database.connect(settings)
    try:
        tickets = TicketRepository(database.db)
        assert await tickets.count({}) == 3
        assert await tickets.count({"$text": {"$search": "refund"}}) == 2
    finally:
        await database.close()
