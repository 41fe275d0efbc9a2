"""A/A simulation of campaign tests read every day: the share ever called significant.

Both arms have the same conversion rate (and the same revenue distribution), so every
"significant" result is a false positive. Fixed-horizon p-values read daily ("peeking") find
one far more often than alpha; the always-valid confidence sequence keeps it at or below alpha.

    .venv/bin/python scripts/eval/aa_simulation.py [--tests 1000] [--days 30] [--per-day 500]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.campaigns.stats.simulation import (  # noqa: E402
    aa_false_positive_rates,
    aa_revenue_false_positive_rates,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tests", type=int, default=1000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--per-day", type=int, default=500, help="exposures per arm per day")
    parser.add_argument("--rate", type=float, default=0.05, help="conversion rate of both arms")
    parser.add_argument("--alpha", type=float, default=0.05)
    parser.add_argument("--tuning", type=float, default=5000, help="sequential tuning N*")
    parser.add_argument("--seed", type=int, default=20261203)
    args = parser.parse_args()
    common = (args.tests, args.days, args.per_day, args.rate, args.seed)
    options: dict[str, float] = {"alpha": args.alpha, "tuning": args.tuning}
    print(
        f"{args.tests} A/A tests, {args.days} daily looks, ~{args.per_day} exposures per arm"
        f" per day, conversion {args.rate:.1%}, alpha {args.alpha}, tuning {args.tuning:g}"
    )
    print(f"{'metric':<28}{'CS relative':>13}{'CS absolute':>13}{'daily p-value':>15}")
    for label, simulate in (
        ("conversion (z-test)", aa_false_positive_rates),
        ("revenue/exposed (Welch t)", aa_revenue_false_positive_rates),
    ):
        relative, peeking = simulate(*common, **options)
        absolute, _ = simulate(*common, **options, lift="absolute")
        print(f"{label:<28}{relative:>13.1%}{absolute:>13.1%}{peeking:>15.1%}")


if __name__ == "__main__":
    main()
