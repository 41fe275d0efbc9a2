"""A bounded Schemathesis run against the whole app over HTTP: no response may be a server
error. Used by CI (``make fuzz``); prints Schemathesis' report and exits non-zero on failures.

The server runs on loopback with the embedded in-memory store and demo data, in development
mode so that every operation reaches its resolver (permissions have their own tests; the
customer-only lists are left out), and without a job worker.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import uvicorn

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.asgi import create_app  # noqa: E402
from app.core.settings import Settings  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max-examples", type=int, default=25, help="per operation")
    parser.add_argument("--max-time", type=int, default=240, help="seconds for the whole run")
    parser.add_argument("--port", type=int, default=0, help="default: a free one")
    args = parser.parse_args()
    if args.port == 0:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            args.port = probe.getsockname()[1]

    # No embedded worker: this run fuzzes the API. Jobs it starts stay queued (running dozens
    # of segmentations against the single-threaded embedded store would only measure that).
    settings = Settings(data_file=":memory:", port=args.port, embedded_worker=False)
    app = create_app(settings, seed_if_empty=True)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=args.port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            print("fuzz: the server did not start", file=sys.stderr)
            return 1
        time.sleep(0.1)
    try:
        command = [
            str(Path(sys.executable).parent / "schemathesis"),
            "run",
            f"http://127.0.0.1:{args.port}/graphql",
            "--checks",
            "not_a_server_error",
            "--max-examples",
            str(args.max_examples),
            "--max-time",
            str(args.max_time),
            "--workers",
            "1",
            "--request-timeout",
            "30",
            "--seed",
            "1",
            # A customer's own lists answer only a CUSTOMER token: as the development admin
            # they are FORBIDDEN, which Schemathesis counts as a server error. Their tests are
            # in tests/auth/test_customer_access.py.
            *("--exclude-name", "Query.myOrders", "--exclude-name", "Query.myTickets"),
        ]
        env = {
            **os.environ,
            "SCHEMATHESIS_HOOKS": "fuzz_hooks",
            "PYTHONPATH": str(Path(__file__).resolve().parent),
        }
        return subprocess.run(command, check=False, env=env).returncode
    finally:
        server.should_exit = True
        thread.join(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
