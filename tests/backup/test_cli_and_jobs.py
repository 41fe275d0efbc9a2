"""``crm backup`` / ``crm backup --verify`` / ``crm restore`` exit codes and messages; the
BACKUP job (``startBackup`` and the schedule) and what it keeps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from app.auth.roles import Role
from app.backup.jobs import BackupSchedule, prune
from app.core.db import Database
from app.core.settings import Settings
from tests.conftest import GraphQLClient, run_jobs
from tests.processes import crm

START = "mutation { startBackup { job { id kind status } userErrors { code message } } }"
JOB = """query($id: ID!) { job(id: $id) { status result { ... on BackupResult {
  path documents collections consistency pruned } } } }"""


def test_the_commands_refuse_bad_archives_and_non_empty_databases(tmp_path: Path) -> None:
    source, target = tmp_path / "source.sqlite", tmp_path / "target.sqlite"
    key = crm(source, "create-api-key", "--name", "ops", "--role", "ADMIN")
    assert key.returncode == 0, key.stderr
    archive = tmp_path / "crm.tar.gz"
    made = crm(source, "backup", "--out", str(archive), timeout=120)
    assert made.returncode == 0, made.stderr
    assert "consistency: snapshot" in made.stdout
    assert crm(source, "backup", "--out", str(archive)).returncode == 2  # never overwrites
    checked = crm(source, "backup", "--verify", str(archive))
    assert checked.returncode == 0, checked.stderr
    assert "OK" in checked.stdout
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(archive.read_bytes()[:-200])
    refused = crm(source, "backup", "--verify", str(broken))
    assert refused.returncode == 1
    assert "crm backup --verify:" in refused.stderr
    assert "Traceback" not in refused.stderr
    into = crm(target, "restore", str(broken), timeout=120)
    assert into.returncode == 1
    assert "nothing was written" in into.stderr
    loaded = crm(target, "restore", str(archive), timeout=120)
    assert loaded.returncode == 0, loaded.stderr
    assert "api_keys: 1" in loaded.stdout
    # The API key made on the source works on the target: the data came across.
    revoked = crm(target, "revoke-api-key", key.stdout.split()[3])
    assert revoked.returncode == 0, revoked.stderr


async def test_start_backup_needs_a_folder_and_an_administrator(
    gql: GraphQLClient, as_role: Any
) -> None:
    refused = (await gql(START))["startBackup"]
    assert refused["job"] is None
    assert refused["userErrors"][0]["code"] == "INVALID"
    assert "CRM_BACKUP_DIR" in refused["userErrors"][0]["message"]
    manager = await as_role(Role.MANAGER)
    [error] = await manager.errors(START)
    assert error["extensions"]["code"] == "FORBIDDEN"


async def test_a_backup_job_writes_an_archive_and_keeps_the_newest(
    gql: GraphQLClient, database: Database, settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    configured = settings.model_copy(
        update={"backup_dir": str(folder), "backup_every": "24h", "backup_keep": 2}
    )
    client = GraphQLClient(gql.schema, database, configured)
    for _ in range(3):
        started = (await client(START))["startBackup"]
        assert started["userErrors"] == []
        await run_jobs(database, configured)
    job = (await client(JOB, id=started["job"]["id"]))["job"]
    assert job["status"] == "SUCCEEDED"
    result = job["result"]
    assert result["documents"] > 0
    assert len(result["pruned"]) == 1
    assert archives(folder)[-1] == Path(result["path"]).name  # the newest two are kept


async def test_the_schedule_queues_one_backup_per_period_whoever_asks(
    database: Database, settings: Settings, tmp_path: Path
) -> None:
    configured = settings.model_copy(update={"backup_dir": str(tmp_path), "backup_every": "24h"})
    first, second = BackupSchedule(database.db, configured), BackupSchedule(database.db, configured)
    noon = datetime(2026, 12, 3, 12, tzinfo=UTC)
    assert await first.run_once(noon) is True
    assert await second.run_once(noon + timedelta(hours=3)) is False  # same day: same job
    assert await second.run_once(noon + timedelta(days=1)) is True
    jobs = await database.db["jobs"].find({"kind": "BACKUP"}).to_list()
    assert len(jobs) == 2


def archives(folder: Path) -> list[str]:
    """Every file in the folder (all archives of ours, nothing half-written left)."""
    names = sorted(p.name for p in folder.iterdir())
    assert all(name.startswith("crm-") and name.endswith(".tar.gz") for name in names)
    assert len(names) == 2
    return names


def test_pruning_keeps_the_newest_archives(tmp_path: Path) -> None:
    names = [f"crm-2026120{day}T000000000000Z.tar.gz" for day in range(1, 6)]
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "notes.txt").write_text("kept")
    assert prune(tmp_path, 2) == names[:3]
    assert sorted(p.name for p in tmp_path.iterdir()) == [*names[3:], "notes.txt"]
