"""Webhook delivery benchmark: how fast the dispatcher empties an outbox into a local receiver
that fails 1% of requests (HTTP 500), and how long emitting the events took.

    .venv/bin/python scripts/bench/webhooks.py [--events 5000] [--fail 0.01]

The receiver is a threaded ``http.server`` on 127.0.0.1 (it, not the dispatcher, may be the
limit: say so when reading the figure). The outbox lives on the embedded store in memory, or
on MongoDB with ``CRM_TEST_MONGODB_URL``. Failed deliveries are retried: the run ends when
every delivery is DELIVERED, with the retries made due at once.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.core.db import Database  # noqa: E402
from app.core.settings import Settings  # noqa: E402
from app.repositories import REPOSITORIES  # noqa: E402
from app.webhooks.delivery import WebhookDispatcher  # noqa: E402
from app.webhooks.models import WebhookDeliveryStatus, WebhookEvent  # noqa: E402
from app.webhooks.outbox import emit  # noqa: E402
from app.webhooks.service import WebhookService  # noqa: E402

MAX_ROUNDS = 10_000


def receiver(fail: float) -> tuple[ThreadingHTTPServer, dict[str, int]]:
    counts = {"ok": 0, "failed": 0}
    lock = threading.Lock()
    rng = random.Random(7)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length") or 0))
            with lock:
                failed = rng.random() < fail
                counts["failed" if failed else "ok"] += 1
            self.send_response(500 if failed else 204)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, counts


async def run(events: int, fail: float) -> None:
    url = os.environ.get("CRM_TEST_MONGODB_URL")
    settings = Settings(mongodb_url=url, data_file=":memory:", database="crm_bench_webhooks")
    database = await Database.connect(settings)
    server, counts = receiver(fail)
    try:
        db = database.db
        await db.drop_collection("webhook_endpoints")
        await db.drop_collection("webhook_deliveries")
        await database.ensure_indexes(REPOSITORIES)
        address = f"http://127.0.0.1:{server.server_address[1]}/in"
        await WebhookService(db, production=False).create(
            {"url": address, "events": [WebhookEvent.CUSTOMER_CREATED]}
        )
        started = time.perf_counter()
        for number in range(events):
            document = {"_id": number, "name": f"Customer {number}", "email": f"c{number}@x.io"}
            await emit(db, WebhookEvent.CUSTOMER_CREATED, "Customer", document)
        emitted = time.perf_counter() - started
        print(f"emitted {events} events in {emitted:.1f} s ({events / emitted:,.0f}/s)")
        dispatcher = WebhookDispatcher(db, settings)
        started = time.perf_counter()
        pending = {"status": WebhookDeliveryStatus.PENDING.value}
        for _ in range(MAX_ROUNDS):
            if not await dispatcher.run_once():
                if await db["webhook_deliveries"].count_documents(pending) == 0:
                    break
                await db["webhook_deliveries"].update_many(
                    pending, {"$set": {"nextAttemptAt": datetime.now(UTC)}}
                )
        took = time.perf_counter() - started
        await dispatcher.client.aclose()
        delivered = await db["webhook_deliveries"].count_documents(
            {"status": WebhookDeliveryStatus.DELIVERED.value}
        )
        requests = counts["ok"] + counts["failed"]
        print(
            f"delivered {delivered}/{events} in {took:.1f} s: {delivered / took:,.0f} "
            f"deliveries/s, {requests / took:,.0f} requests/s ({counts['failed']} answered 500, "
            "retried)"
        )
    finally:
        server.shutdown()
        await database.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--fail", type=float, default=0.01)
    args = parser.parse_args()
    asyncio.run(run(args.events, args.fail))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
