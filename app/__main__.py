"""The ``crm`` command line: serve, db, worker, seed, import, create-api-key, revoke-api-key,
export-schema."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.auth.roles import Role
from app.core import logs
from app.core.db import Database
from app.core.settings import Settings

SHUTDOWN_SECONDS = 4


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from app.asgi import create_app
    from app.core import heap

    app = create_app(settings, seed_if_empty=args.seed_if_empty)
    heap.settle()
    # Requests in flight get a few seconds to finish on SIGTERM (subscriptions never would).
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_config=None,  # our handlers (app.core.logs) format uvicorn's lines too
        log_level=settings.log_level.lower(),
        timeout_graceful_shutdown=SHUTDOWN_SECONDS,
    )
    return 0


def _db(args: argparse.Namespace, settings: Settings) -> int:
    from app.core.store_server import run

    data_file = args.data_file or settings.data_file
    return run(data_file, args.port, stop_with_parent=args.stop_with_parent)


async def _with_database[T](settings: Settings, action: Callable[[Database], Awaitable[T]]) -> T:
    """Run ``action`` on a connected database with every index in place."""
    from app.inventory.repository import WarehouseRepository
    from app.inventory.service import default_warehouse
    from app.repositories import REPOSITORIES
    from app.tagging.repository import TagRepository
    from app.workflow.defaults import load_defaults

    database = await Database.connect(settings)
    try:
        await database.ensure_indexes(REPOSITORIES)
        await TagRepository(database.db).ensure_defaults(datetime.now(UTC))
        await WarehouseRepository(database.db).ensure(default_warehouse(datetime.now(UTC)))
        await load_defaults(database.db, settings.timezone)
        return await action(database)
    finally:
        await database.close()


def _seed(args: argparse.Namespace, settings: Settings) -> int:
    from app.demo.load import StoreNotEmpty, queue_forecasts, seed
    from app.demo.propensity import queue_propensity
    from app.demo.workflow import workflow_demo

    async def run(database: Database) -> dict[str, int]:
        counts = await seed(database.db, customers=args.customers, seed=args.seed)
        counts.update(await workflow_demo(database.db, settings))
        counts["forecasts queued"] = await queue_forecasts(database.db, settings.timezone)
        counts["propensity trainings queued"] = await queue_propensity(database.db)
        return counts

    try:
        counts = asyncio.run(_with_database(settings, run))
    except StoreNotEmpty as error:
        print(f"crm seed: {error}", file=sys.stderr)
        return 1
    print(", ".join(f"{count} {name}" for name, count in counts.items()))
    return 0


def _create_api_key(args: argparse.Namespace, settings: Settings) -> int:
    from app.auth.roles import Role
    from app.auth.service import ApiKeyService
    from app.core.errors import InputError

    async def create(database: Database) -> tuple[str, str]:
        document, key = await ApiKeyService(database.db).create(args.name, Role(args.role))
        return document["prefix"], key

    try:
        prefix, key = asyncio.run(_with_database(settings, create))
    except InputError as error:
        print(f"crm create-api-key: {error}", file=sys.stderr)
        return 2
    print(f"Created API key {prefix} ({args.role}) for {args.name!r}. It is shown only once:")
    print(key)
    return 0


def _revoke_api_key(args: argparse.Namespace, settings: Settings) -> int:
    from app.auth.service import ApiKeyService
    from app.core.errors import InputError

    async def revoke(database: Database) -> None:
        await ApiKeyService(database.db).revoke_by_prefix(args.prefix)

    try:
        asyncio.run(_with_database(settings, revoke))
    except InputError as error:
        print(f"crm revoke-api-key: {error.errors[0].message}", file=sys.stderr)
        return 1
    print(f"Revoked API key {args.prefix}.")
    return 0


def _worker(args: argparse.Namespace, settings: Settings) -> int:
    import signal

    from app.backup.jobs import BackupSchedule
    from app.inventory.recovery import StockRecovery
    from app.jobs.worker import Worker, stop_within
    from app.schema import HANDLERS
    from app.tagging.auto import AutoTagger
    from app.webhooks.delivery import WebhookDispatcher
    from app.workflow.sweep import WorkflowSweep

    async def run(database: Database) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        worker = Worker(database.db, settings, HANDLERS, concurrency=args.concurrency)
        tagger = AutoTagger(database.db, settings)
        sweep = StockRecovery(database.db)
        workflow = WorkflowSweep(database.db, settings.rule_sweep_seconds)
        webhooks = WebhookDispatcher(database.db, settings)
        schedule = BackupSchedule(database.db, settings)
        parts = (worker, tagger, sweep, workflow, webhooks, schedule)
        tasks = [asyncio.create_task(part.run(stop)) for part in parts]
        await stop.wait()
        await stop_within(tasks)

    asyncio.run(_with_database(settings, run))
    return 0


def _import(args: argparse.Namespace, settings: Settings) -> int:
    from app.imports.cli import format_of, import_file
    from app.schema import HANDLERS

    path = Path(args.file)
    file_format = format_of(path, args.format)
    if not path.is_file():
        print(f"crm import: no such file: {path}", file=sys.stderr)
        return 2
    if file_format is None:
        print("crm import: name the format with --format CSV|JSONL", file=sys.stderr)
        return 2

    async def run(database: Database) -> dict[str, Any]:
        return await import_file(database.db, settings, HANDLERS, args.entity, path, file_format)

    job = asyncio.run(_with_database(settings, run))
    if job["status"] != "SUCCEEDED":
        error = job.get("error") or {}
        print(f"crm import: {job['status']}: {error.get('message', '')}", file=sys.stderr)
        return 1
    result = job["result"]
    print(f"{result['imported']} imported, {result['updated']} updated, {result['failed']} failed")
    for failure in result["failures"][:20]:
        print(
            f"  line {failure['row']}: {failure['field']}: {failure['code']}: {failure['message']}"
        )
    return 0


def _backup(args: argparse.Namespace, settings: Settings) -> int:
    from app.backup.cli import run_backup, run_verify

    if args.verify is not None:
        return asyncio.run(run_verify(Path(args.verify)))
    out = Path(args.out) if args.out else None
    return asyncio.run(_with_database(settings, lambda db: run_backup(db, settings, out)))


def _restore(args: argparse.Namespace, settings: Settings) -> int:
    from app.backup.cli import run_restore

    path = Path(args.archive)
    return asyncio.run(_with_database(settings, lambda db: run_restore(db, path, args.drop)))


def _export_schema(_: argparse.Namespace, settings: Settings) -> int:
    from app.schema import create_schema

    print(create_schema(settings).as_str())
    return 0


def _positive(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 100_000:
        raise argparse.ArgumentTypeError("must be between 1 and 100000")
    return value


def _concurrency(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 64:
        raise argparse.ArgumentTypeError("must be between 1 and 64")
    return value


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="crm", description="CRM GraphQL API over MongoDB.")
    commands = root.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the API (CRM_HOST:CRM_PORT)")
    serve.add_argument(
        "--seed-if-empty", action="store_true", help="load demo data when the store has none"
    )
    serve.set_defaults(run=_serve)
    db = commands.add_parser(
        "db",
        help="serve the embedded store (CRM_DATA_FILE) in the foreground; other commands join it",
    )
    db.add_argument("--data-file", help="default: CRM_DATA_FILE (.data/crm.sqlite)")
    db.add_argument("--port", type=int, default=0, help="loopback port (default: any free one)")
    db.add_argument("--stop-with-parent", action="store_true", help=argparse.SUPPRESS)
    db.set_defaults(run=_db)
    seed = commands.add_parser(
        "seed",
        help="load demo data into an empty store (not while a server holds the embedded store)",
    )
    seed.add_argument("--customers", type=_positive, default=300)
    seed.add_argument("--seed", type=int, default=7, help="random seed (same seed, same data)")
    seed.set_defaults(run=_seed)
    worker = commands.add_parser(
        "worker", help="run job workers against CRM_MONGODB_URL (the server runs one too)"
    )
    worker.add_argument("--concurrency", type=_concurrency, default=1)
    worker.set_defaults(run=_worker)
    importer = commands.add_parser(
        "import", help="import a CSV or JSON Lines file (rows upsert by natural key)"
    )
    importer.add_argument(
        "entity", choices=["CUSTOMERS", "PRODUCTS", "ORDERS", "TICKETS", "CAMPAIGN_EVENTS"]
    )
    importer.add_argument("file")
    importer.add_argument("--format", choices=["CSV", "JSONL"], help="default: from the file name")
    importer.set_defaults(run=_import)
    create_key = commands.add_parser(
        "create-api-key", help="create an API key and print it once (needs the server's store)"
    )
    create_key.add_argument("--name", required=True, help="who or what uses the key")
    create_key.add_argument("--role", required=True, choices=[r.value for r in Role])
    create_key.set_defaults(run=_create_api_key)
    revoke_key = commands.add_parser("revoke-api-key", help="revoke an API key by its prefix")
    revoke_key.add_argument("prefix", help="the key's prefix, e.g. crm_1a2b3c4d")
    revoke_key.set_defaults(run=_revoke_api_key)
    backup = commands.add_parser(
        "backup", help="write one consistent, portable archive of the database"
    )
    backup.add_argument("--out", help="the archive (default: CRM_BACKUP_DIR/crm-<time>.tar.gz)")
    backup.add_argument("--verify", metavar="PATH", help="check an archive; restore nothing")
    backup.set_defaults(run=_backup)
    restore = commands.add_parser(
        "restore", help="verify an archive, then load it into an empty database"
    )
    restore.add_argument("archive")
    restore.add_argument("--drop", action="store_true", help="replace what the database holds")
    restore.set_defaults(run=_restore)
    export = commands.add_parser("export-schema", help="print the GraphQL SDL")
    export.set_defaults(run=_export_schema)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = Settings()
    except ValueError as error:
        print(f"crm: invalid configuration: {error}", file=sys.stderr)
        return 2
    logs.configure(settings.log_format, settings.log_level)
    result: int = args.run(args, settings)
    return result


if __name__ == "__main__":
    sys.exit(main())
