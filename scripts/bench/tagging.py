"""Tagging benchmark: batch throughput (tickets/s), single-ticket latency (p50, p99) and the
training time for 10,000 examples, all without the database, as the automatic tagger and the
jobs run them (one thread, BLAS limited to one thread).

    .venv/bin/python scripts/bench/tagging.py [--tickets 20000] [--single 2000]

Tickets are the labelled test set's texts (English and Chinese) repeated with a number
appended, so no two are identical; training examples are the shipped ones, varied the same way.
Targets (issue 4): >= 2,000 tickets/s in batch, p50 < 5 ms for one ticket.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from threadpoolctl import threadpool_limits  # noqa: E402

from app.tagging.models import Example  # noqa: E402
from app.tagging.seed import default_keywords, read_examples, seed_examples  # noqa: E402
from app.tagging.tagger import Tagger  # noqa: E402
from app.tagging.topic_model import train  # noqa: E402

TEST_SET = ROOT / "tests" / "data" / "tagging"
BATCH = 200  # the automatic tagger's batch


def texts(count: int) -> list[str]:
    rows = read_examples(TEST_SET / "en.jsonl") + read_examples(TEST_SET / "zh.jsonl")
    return [f"{rows[i % len(rows)]['text']} #{i}" for i in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=20_000)
    parser.add_argument("--single", type=int, default=2_000)
    parser.add_argument("--training", type=int, default=10_000)
    args = parser.parse_args()
    keywords = default_keywords()
    with threadpool_limits(1):
        started = time.perf_counter()
        model = train(seed_examples(), keywords)
        shipped_seconds = time.perf_counter() - started
        tagger = Tagger(keywords, model)
        rules_only = Tagger(keywords, None)
        batch = texts(args.tickets)
        tagger.tag_many(batch[:BATCH])  # warm-up

        for name, which in (("model + rules", tagger), ("rules only", rules_only)):
            started = time.perf_counter()
            for start in range(0, len(batch), BATCH):
                which.tag_many(batch[start : start + BATCH])
            seconds = time.perf_counter() - started
            print(
                f"batch ({name}): {len(batch):,} tickets in {seconds:.2f} s = "
                f"{len(batch) / seconds:,.0f} tickets/s (batches of {BATCH})"
            )

        latencies = []
        for text in batch[: args.single]:
            started = time.perf_counter()
            tagger.tag_many([text])
            latencies.append((time.perf_counter() - started) * 1000)
        latencies.sort()
        p99 = latencies[int(len(latencies) * 0.99) - 1]
        print(
            f"single ticket ({len(latencies):,} calls): p50 {statistics.median(latencies):.2f} ms,"
            f" p99 {p99:.2f} ms, max {latencies[-1]:.2f} ms"
        )

        shipped = list(seed_examples())
        examples = [
            Example(f"{shipped[i % len(shipped)].text} #{i}", shipped[i % len(shipped)].tags)
            for i in range(args.training)
        ]
        started = time.perf_counter()
        train(examples, keywords)
        seconds = time.perf_counter() - started
        print(
            f"training: {len(examples):,} examples in {seconds:.1f} s "
            f"(with 4-fold threshold tuning; {len(shipped)} shipped examples: "
            f"{shipped_seconds:.1f} s)"
        )


if __name__ == "__main__":
    main()
