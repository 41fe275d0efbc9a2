"""The ``crm`` command line: serve, seed, export-schema."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from app.settings import Settings


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from app.asgi import create_app

    app = create_app(settings, seed_if_empty=args.seed_if_empty)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="info")
    return 0


def _seed(args: argparse.Namespace, settings: Settings) -> int:
    from app.asgi import REPOSITORIES
    from app.db import Database
    from app.demo.load import StoreNotEmpty, seed

    async def run() -> dict[str, int]:
        database = await Database.connect(settings)
        try:
            await database.ensure_indexes(REPOSITORIES)
            return await seed(database.db, customers=args.customers, seed=args.seed)
        finally:
            await database.close()

    try:
        counts = asyncio.run(run())
    except StoreNotEmpty as error:
        print(f"crm seed: {error}", file=sys.stderr)
        return 1
    print(", ".join(f"{count} {name}" for name, count in counts.items()))
    return 0


def _export_schema(_: argparse.Namespace, settings: Settings) -> int:
    from app.schema import create_schema

    print(create_schema(settings).as_str())
    return 0


def _positive(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 100_000:
        raise argparse.ArgumentTypeError("must be between 1 and 100000")
    return value


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="crm", description="CRM GraphQL API over MongoDB.")
    commands = root.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the API (CRM_HOST:CRM_PORT)")
    serve.add_argument(
        "--seed-if-empty", action="store_true", help="load demo data when the store has none"
    )
    serve.set_defaults(run=_serve)
    seed = commands.add_parser(
        "seed",
        help="load demo data into an empty store (not while a server holds the embedded store)",
    )
    seed.add_argument("--customers", type=_positive, default=300)
    seed.add_argument("--seed", type=int, default=7, help="random seed (same seed, same data)")
    seed.set_defaults(run=_seed)
    export = commands.add_parser("export-schema", help="print the GraphQL SDL")
    export.set_defaults(run=_export_schema)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings()
    except ValueError as error:
        print(f"crm: invalid configuration: {error}", file=sys.stderr)
        return 2
    result: int = args.run(args, settings)
    return result


if __name__ == "__main__":
    sys.exit(main())
