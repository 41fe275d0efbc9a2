"""What GraphQL costs over a plain Starlette app doing the same reads from the same store.

    .venv/bin/python scripts/bench/api.py [--customers 300] [--warmup 1] [--seconds 5] \
        [--rounds 3] [--concurrency 1 32] [--profile DIR]

One embedded store (`crm db`, SQLite file in a temp dir) holds the demo data (`crm seed`). Two
servers join it, each a process under uvicorn (uvloop, httptools, one worker, no access log)
on 127.0.0.1: `graphql`, the app with CRM_ENV=production and no embedded worker, called with an
API key, so authentication, cost limits and rate limiter run (the budget raised so nothing is
refused); `plain`, Starlette doing the same reads with the same driver settings. Q1: a customer
by ID (seven scalars). Q2: the first 20 customers in the `customers` order, with their first 5
orders (one aggregation for the page, as the DataLoader does). Both servers must answer the
same data first. A keep-alive raw-socket client runs each (query, concurrency, server) for
--warmup, then --seconds timed: requests/s, p50/p99 latency, CPU ms per request of the server
and of the store (utime+stime, /proc/<pid>/stat). Each cell runs --rounds times, the two servers
taking turns, and reports medians: the plain server's own CPU varies by 15% from run to run.
--profile DIR: then the GraphQL server under cProfile for Q1 at the highest concurrency and Q2
at the lowest; its top functions are printed.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import cProfile
import json
import os
import pstats
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import uvloop
from bson import ObjectId
from pymongo import AsyncMongoClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.core.money import from_minor  # noqa: E402
from app.core.store import EmbeddedStore  # noqa: E402

FIELDS = "id name email company lifecycleStage tags createdAt"
ORDER = "id number status total { amount currency } placedAt"
Q1 = f"query($id: ID!) {{ customer(id: $id) {{ {FIELDS} }} }}"
Q2 = (
    "query($first: Int!, $orders: Int!) { customers(first: $first) { edges { node { "
    f"{FIELDS} orders(first: $orders) {{ edges {{ node {{ {ORDER} }} }} }} }} }} }} }}"
)
PAGE, ORDERS = 20, 5
CUSTOMER_SORT = [("createdAt", -1), ("_id", -1)]  # Repository.list_order, ended by _id
ORDER_SORT = {"placedAt": -1, "_id": -1}  # OrderRepository.list_order, ended by _id
TARGETS = {"Q1": 0.35, "Q2": 0.30}
PROFILED = r"/app/|strawberry|/graphql/|pymongo|bson"
UVICORN: dict[str, Any] = dict(
    host="127.0.0.1", loop="uvloop", http="httptools", log_config=None, log_level="warning",
    access_log=False, timeout_graceful_shutdown=4,
)  # fmt: skip
REQUEST_SECONDS, STOP_SECONDS = 10.0, 20.0
Document = dict[str, Any]
Results = dict[tuple[str, str, int], list[dict[str, float]]]


def global_id(kind: str, object_id: ObjectId) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{object_id}".encode()).decode().rstrip("=")


def customer_json(doc: Document) -> Document:
    given = {name: doc.get(name) for name in ("name", "email", "company", "lifecycleStage")}
    return {**given, "id": global_id("Customer", doc["_id"]), "tags": doc.get("tags", []),
            "createdAt": doc["createdAt"].isoformat()}  # fmt: skip


def order_json(doc: Document) -> Document:
    total = {"amount": str(from_minor(doc["total"], doc["currency"])), "currency": doc["currency"]}
    return {"id": global_id("Order", doc["_id"]), "number": doc["number"], "total": total,
            "status": doc["status"], "placedAt": doc["placedAt"].isoformat()}  # fmt: skip


def plain_app(url: str, database: str) -> Starlette:
    """The same reads as the GraphQL app, with its client settings (app.core.db)."""
    client = AsyncMongoClient[Document](url, tz_aware=True, serverSelectionTimeoutMS=5000)
    db = client[database]

    async def customer(request: Request) -> JSONResponse:
        raw: str = request.path_params["id"]
        text = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode()
        kind, _, hex_id = text.partition(":")
        found = kind == "Customer" and await db["customers"].find_one({"_id": ObjectId(hex_id)})
        return JSONResponse(customer_json(found) if found else None)

    async def customers(request: Request) -> JSONResponse:
        first, orders = int(request.query_params["first"]), int(request.query_params["orders"])
        cursor = db["customers"].find({"archivedAt": None}, sort=CUSTOMER_SORT).limit(first + 1)
        page = (await cursor.to_list())[:first]
        top = {"n": orders + 1, "sortBy": ORDER_SORT, "output": "$$ROOT"}
        pipeline: list[Document] = [
            {"$match": {"customerId": {"$in": [doc["_id"] for doc in page]}}},
            {"$group": {"_id": "$customerId", "docs": {"$topN": top}}},
        ]
        rows = await (await db["orders"].aggregate(pipeline)).to_list()
        grouped = {row["_id"]: row["docs"][:orders] for row in rows}
        return JSONResponse(
            [{**customer_json(c), "orders": [order_json(o) for o in grouped.get(c["_id"], [])]}
             for c in page]
        )  # fmt: skip

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        yield
        await client.close()

    paths = {"/customer/{id}": customer, "/customers": customers}
    return Starlette(routes=[Route(p, f) for p, f in paths.items()], lifespan=lifespan)


def serve(kind: str, port: int, profile: str) -> None:
    """A server process (this script with --serve); under cProfile with --profile-to FILE."""
    import uvicorn

    app: Any = None
    if kind == "plain":
        app = plain_app(os.environ["CRM_MONGODB_URL"], os.environ["CRM_DATABASE"])
    else:
        from app.asgi import create_app
        from app.core import heap, logs
        from app.core.settings import Settings

        settings = Settings()
        logs.configure(settings.log_format, settings.log_level)
        app = create_app(settings)
        heap.settle()  # as `crm serve` does
    profiler = cProfile.Profile()
    if profile:  # uvicorn re-raises SIGTERM once shut down: let it return, to write the stats
        signal.signal(signal.SIGTERM, lambda *_: None)
        profiler.enable()
    try:
        uvicorn.run(app, port=port, **UVICORN)
    finally:
        if profile:
            profiler.disable()
            profiler.dump_stats(profile)


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process, all its threads."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> tuple[int, bytes]:
    """One HTTP/1.1 request on a kept-alive connection: the status and the body."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(head[9:12]), await reader.readexactly(int(value))
    raise RuntimeError(f"a response without Content-Length: {head[:200]!r}")


async def fetch(port: int, request: bytes) -> tuple[int, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        async with asyncio.timeout(REQUEST_SECONDS):
            return await exchange(reader, writer, request)
    finally:
        writer.close()


class Server:
    """This script's --serve mode in a subprocess on a free port, its log in a file."""

    def __init__(self, kind: str, env: dict[str, str], folder: Path, profile: str = "") -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.kind, self.port = kind, int(sock.getsockname()[1])
        self.log = folder / f"{kind}-{self.port}.log"
        command = [sys.executable, __file__, "--serve", kind, "--port", str(self.port)]
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [*command, "--profile-to", profile], env=env, cwd=ROOT, stdout=log, stderr=log
            )

    async def wait_ready(self, limit: float = 120) -> None:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                probe = "/healthz" if self.kind == "graphql" else "/customers?first=1&orders=1"
                if (await fetch(self.port, self.get(probe)))[0] == 200:
                    return
            except OSError:
                pass
            await asyncio.sleep(0.1)
        raise RuntimeError(f"the {self.kind} server is not up; its log: {self.log}")

    def get(self, path: str) -> bytes:
        return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n\r\n".encode()

    def post(self, key: str, query: str, variables: Document) -> bytes:
        body = json.dumps({"query": query, "variables": variables}).encode()
        return (
            f"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\nContent-Length: "
            f"{len(body)}\r\nContent-Type: application/json\r\nAuthorization: Bearer {key}\r\n\r\n"
        ).encode() + body

    def requests(self, query: str, key: str, ids: list[str]) -> list[bytes]:
        if query == "Q1":
            if self.kind == "graphql":
                return [self.post(key, Q1, {"id": gid}) for gid in ids]
            return [self.get(f"/customer/{gid}") for gid in ids]
        if self.kind == "graphql":
            return [self.post(key, Q2, {"first": PAGE, "orders": ORDERS})]
        return [self.get(f"/customers?first={PAGE}&orders={ORDERS}")]

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=STOP_SECONDS)


def normalised(kind: str, query: str, body: bytes) -> str:
    """The data of a response in the plain server's shape, as canonical JSON."""
    data: Any = json.loads(body)
    if kind == "graphql" and (data.get("errors") or not data.get("data")):
        raise SystemExit(f"GraphQL {query} answered errors: {data.get('errors')}")
    if kind == "graphql" and query == "Q1":
        data = data["data"]["customer"]
    elif kind == "graphql":
        nodes = [edge["node"] for edge in data["data"]["customers"]["edges"]]
        data = [{**n, "orders": [o["node"] for o in n["orders"]["edges"]]} for n in nodes]
    return json.dumps(data, sort_keys=True)


async def check_same(servers: list[Server], key: str, ids: list[str]) -> None:
    for query in ("Q1", "Q2"):
        answers = []
        for server in servers:
            replies = [await fetch(server.port, r) for r in server.requests(query, key, ids)]
            answers.append([normalised(server.kind, query, body) for _, body in replies])
        for number, (one, other) in enumerate(zip(*answers, strict=True)):
            if one != other or one in ("null", "[]"):
                raise SystemExit(f"{query} request {number}: the servers differ or say nothing\n"
                                 f"  graphql: {one[:800]}\n  plain:   {other[:800]}")  # fmt: skip
        print(f"  {query}: the same data from both servers for {len(answers[0])} request(s)")


async def load(
    port: int, requests: list[bytes], concurrency: int, args: argparse.Namespace, pids: list[int]
) -> dict[str, float]:
    """Keep ``concurrency`` connections busy; the figures of the window after the warm-up."""
    window: list[float] = []
    errors: list[str] = []
    state = {"recording": False, "stop": False, "sent": 0}

    async def client(index: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while not state["stop"] and state["sent"] < args.max_requests:
                state["sent"], index, started = state["sent"] + 1, index + 1, time.perf_counter()
                async with asyncio.timeout(REQUEST_SECONDS):
                    status, body = await exchange(reader, writer, requests[index % len(requests)])
                if status != 200 or b'"errors"' in body:
                    errors.append(f"{status} {body[:300]!r}")
                if state["recording"]:
                    window.append(time.perf_counter() - started)
        finally:
            writer.close()

    tasks = [asyncio.create_task(client(n)) for n in range(concurrency)]
    await asyncio.wait(tasks, timeout=args.warmup, return_when=asyncio.FIRST_EXCEPTION)
    before, started, state["recording"] = [cpu_seconds(p) for p in pids], time.perf_counter(), True
    await asyncio.wait(tasks, timeout=args.seconds, return_when=asyncio.FIRST_EXCEPTION)
    elapsed, after = time.perf_counter() - started, [cpu_seconds(p) for p in pids]
    state["stop"] = True
    done, _ = await asyncio.wait(tasks, timeout=REQUEST_SECONDS + 1)
    for task in tasks:
        task.cancel()
    failed = [t.exception() for t in done if not t.cancelled() and t.exception() is not None]
    if failed or errors or not window:
        raise SystemExit(f"{len(failed)} clients failed {failed[:1]}, {len(errors)} errors "
                         f"{errors[:1]}, {len(window)} timed requests")  # fmt: skip
    ordered, n = sorted(window), len(window)
    return {"rps": n / elapsed, "p50": ordered[n // 2] * 1000, "p99": ordered[n * 99 // 100] * 1000,
            "cpu": (after[0] - before[0]) / n * 1000, "store": (after[1] - before[1]) / n * 1000,
            "n": n}  # fmt: skip


def crm(env: dict[str, str], *command: str) -> str:
    done = subprocess.run([sys.executable, "-m", "app", *command], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=900, check=False)  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"crm {command[0]} failed: {done.stderr[-2000:]}")
    return done.stdout


def ratio(query: str, graphql: dict[str, float], plain: dict[str, float]) -> float:
    return graphql["rps"] / plain["rps"] if query == "Q1" else plain["cpu"] / graphql["cpu"]


def report(results: Results, levels: list[int]) -> None:
    """Each cell is the median of its rounds; each ratio is the median of the rounds' ratios
    (a server and the plain one measured back to back), with their range."""
    print(
        "\n| query | c | server | req/s | p50 ms | p99 ms | server CPU ms/req | store CPU ms/req |"
    )
    print("|---|---:|---|---:|---:|---:|---:|---:|")
    for (kind, query, c), rounds in results.items():
        r = {key: statistics.median(one[key] for one in rounds) for key in rounds[0]}
        cells = [f"{r['rps']:.0f}", *(f"{r[k]:.2f}" for k in ("p50", "p99", "cpu", "store"))]
        print(f"| {query} | {c} | {kind} | {' | '.join(cells)} |")
    print("\nGraphQL / plain:")
    for query, what in (("Q1", "requests/s"), ("Q2", "plain CPU/req / GraphQL CPU/req")):
        for c in levels:
            pairs = zip(results["graphql", query, c], results["plain", query, c], strict=True)
            ratios = [ratio(query, g, p) for g, p in pairs]
            middle = statistics.median(ratios)
            verdict = "met" if middle >= TARGETS[query] else "MISSED"
            spread = f"rounds {min(ratios):.2f}-{max(ratios):.2f}"
            target = f"target >= {TARGETS[query]}x: {verdict}"
            print(f"  {query} c={c:<3} {what}: {middle:.2f}x  ({spread}; {target})")


async def bench(args: argparse.Namespace, folder: Path) -> None:
    store = await EmbeddedStore.open(str(folder / "crm.sqlite"))
    servers: list[Server] = []
    try:
        env = {**os.environ, "CRM_MONGODB_URL": store.uri, "CRM_DATABASE": "crm",
               "CRM_ENV": "production", "CRM_EMBEDDED_WORKER": "false", "CRM_LOG_LEVEL": "WARNING",
               "CRM_RATE_LIMIT_COST_PER_MINUTE": str(10**12)}  # fmt: skip
        seeded = crm(env, "seed", "--customers", str(args.customers)).strip()
        print(f"store pid {store.record.pid} in {folder}: {seeded}")
        key = crm(env, "create-api-key", "--name", "bench", "--role", "ADMIN").split()[-1]
        client = AsyncMongoClient[Document](store.uri, tz_aware=True)
        found = await client["crm"]["customers"].find({}, {"_id": 1}).limit(args.ids).to_list()
        await client.close()
        ids = [global_id("Customer", doc["_id"]) for doc in found]
        servers = [Server("graphql", env, folder), Server("plain", env, folder)]
        for server in servers:
            await server.wait_ready()
        await check_same(servers, key, ids)
        results: Results = {}
        for query in ("Q1", "Q2"):
            for c in args.concurrency:
                for number in range(args.rounds):
                    for server in servers:
                        pids = [server.process.pid, store.record.pid]
                        requests = server.requests(query, key, ids)
                        r = await load(server.port, requests, c, args, pids)
                        results.setdefault((server.kind, query, c), []).append(r)
                        figures = f"{r['rps']:.0f} req/s, {r['cpu']:.2f} ms CPU/req"
                        print(f"  {query} c={c} #{number + 1} {server.kind}: {figures}", flush=True)
        report(results, args.concurrency)
        for server in servers:
            server.stop()
        for query, c in (("Q1", max(args.concurrency)), ("Q2", min(args.concurrency))):
            if args.profile:
                stats = f"{args.profile}/{query}-c{c}.prof"
                servers = [Server("graphql", env, folder, stats)]
                await servers[0].wait_ready()
                pids = [servers[0].process.pid, store.record.pid]
                r = await load(servers[0].port, servers[0].requests(query, key, ids), c, args, pids)
                servers[0].stop()  # the profile is written as the server exits
                for order in ("cumulative", "tottime"):
                    print(f"\n=== GraphQL {query} c={c}, cProfile, {r['n']} requests, by {order}")
                    pstats.Stats(stats).sort_stats(order).print_stats(PROFILED, args.top)
    finally:
        for server in servers:
            server.stop()
        await store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=300, help="demo customers to seed")
    parser.add_argument("--ids", type=int, default=50, help="customers Q1 cycles through")
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3, help="timed runs per cell; medians")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 32])
    parser.add_argument("--max-requests", type=int, default=1_000_000, help="per run, at most")
    parser.add_argument("--profile", help="a folder: then profile the GraphQL server, stats here")
    parser.add_argument("--top", type=int, default=30, help="functions per profile listing")
    parser.add_argument("--serve", choices=["graphql", "plain"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--profile-to", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port, args.profile_to)
        return
    if args.profile:
        args.profile = os.path.abspath(args.profile)
        os.makedirs(args.profile, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="crm-api-bench-") as folder:
        asyncio.run(bench(args, Path(folder)), loop_factory=uvloop.new_event_loop)


if __name__ == "__main__":
    main()
