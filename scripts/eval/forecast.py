"""Evaluate the forecasting models on real monthly series: each method alone, and the
per-series choice by backtest, against seasonal naive, on the last ``--horizon`` periods held
back (the models and the choice see only the periods before them).

The series are read at evaluation time from the files of sktime's wheel (never copied into
this repository): sktime itself is not installed or imported; its wheel is downloaded from
PyPI once into ``.cache/eval/`` (or given with ``--wheel``), and the CSVs read from the zip.

- Airline: monthly international airline passengers, thousands, 1949-1960 (Box & Jenkins,
  *Time Series Analysis*, series G); ``sktime/datasets/data/Airline/Airline.csv``.
- ShampooSales: monthly shampoo sales over three years (Makridakis, Wheelwright & Hyndman,
  *Forecasting: methods and applications*, 1998); ``.../ShampooSales/ShampooSales.csv``.
- PBS: monthly Medicare Australia prescriptions (scripts) from the Pharmaceutical Benefit
  Scheme, 1991-2008 (Hyndman & Athanasopoulos, *Forecasting: Principles and Practice*);
  ``.../PBS_dataset/PBS_dataset.csv``.

Other series: ``--csv path.csv[:column]`` (the last column by default; a header row).

    .venv/bin/python scripts/eval/forecast.py [--horizon 12] [--csv more.csv]
"""

from __future__ import annotations

import argparse
import csv
import io
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.forecasting import backtest, ets, methods  # noqa: E402

SKTIME = "sktime==1.2.0"
CACHE = ROOT / ".cache" / "eval"
SERIES = {
    "Airline": "sktime/datasets/data/Airline/Airline.csv",
    "ShampooSales": "sktime/datasets/data/ShampooSales/ShampooSales.csv",
    "PBS": "sktime/datasets/data/PBS_dataset/PBS_dataset.csv",
}
METHODS = {
    "seasonal naive": methods.seasonal_naive,
    "ETS": ets.ets,
    "regression": methods.regression,
    "TSB": methods.tsb,
}


def wheel(given: str | None) -> Path:
    if given:
        return Path(given)
    found = sorted(CACHE.glob("sktime-*.whl"))
    if found:
        return found[-1]
    CACHE.mkdir(parents=True, exist_ok=True)
    print(f"downloading {SKTIME}'s wheel (no dependencies) into {CACHE}", file=sys.stderr)
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(CACHE), SKTIME],
        check=True,
    )
    return sorted(CACHE.glob("sktime-*.whl"))[-1]


def read_values(text: str, column: str | None = None) -> np.ndarray:
    rows = list(csv.DictReader(io.StringIO(text)))
    name = column or list(rows[0])[-1]
    return np.array([float(row[name]) for row in rows])


def scores(train: np.ndarray, held_back: np.ndarray, predicted: np.ndarray, m: int) -> tuple[
    float, float
]:  # fmt: skip
    scale = backtest.mase_scale(train[None, :], m)[0]
    mase = float(np.mean(np.abs(held_back - predicted)) / scale)
    smape = float(backtest.smape(held_back[None, :], predicted[None, :])[0])
    return mase, smape


def evaluate(name: str, values: np.ndarray, horizon: int, m: int, origins: int) -> dict[str, float]:
    """Mean MASE per method and for the choice over up to ``origins`` held-back windows (the
    last ``horizon`` periods, the ``horizon`` before them, ...; each with at least two seasons
    of training), printing sMAPE and the choice's interval coverage too."""
    cuts = [len(values) - k * horizon for k in range(1, origins + 1)]
    cuts = [cut for cut in cuts if cut >= 2 * m]
    print(f"\n{name}: {len(values)} periods; held back: {horizon} after period {cuts}")
    print(f"  {'method':<16} {'MASE':>7} {'sMAPE':>7}  model (at the last cut)")
    found: dict[str, float] = {}
    intermittent = bool(methods.intermittent(values[None, : cuts[-1]])[0])
    for label, method in METHODS.items():
        if (label == "TSB") != intermittent and label != "seasonal naive":
            continue
        results = []
        for cut in cuts:
            fit = method(values[None, :cut], horizon, m)
            results.append(scores(values[:cut], values[cut : cut + horizon], fit.mean[0], m))
        mase, smape = np.mean(results, axis=0)
        found[label] = float(mase)
        print(f"  {label:<16} {mase:7.3f} {smape:7.2f}  {fit.names[0]}")
    results, inside80, inside95, models = [], [], [], []
    for cut in cuts:
        train, held_back = values[:cut], values[cut : cut + horizon]
        (chosen,) = backtest.forecast(train[None, :], horizon, m)
        results.append(scores(train, held_back, chosen.mean, m))
        bounds = chosen.bounds
        inside80 += list((held_back >= bounds[:, 1]) & (held_back <= bounds[:, 2]))
        inside95 += list((held_back >= bounds[:, 0]) & (held_back <= bounds[:, 3]))
        models.append(chosen.model)
    mase, smape = np.mean(results, axis=0)
    found["chosen"] = float(mase)
    print(f"  {'chosen':<16} {mase:7.3f} {smape:7.2f}  {'; '.join(models)}")
    print(f"  the choice's intervals hold {np.mean(inside80):.0%} (80%) / {np.mean(inside95):.0%}"
          " (95%) of the held-back periods")  # fmt: skip
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--horizon", type=int, default=12)
    parser.add_argument("--season", type=int, default=12)
    parser.add_argument("--origins", type=int, default=3, help="held-back windows per series")
    parser.add_argument("--wheel", help="sktime's wheel, if already downloaded")
    parser.add_argument("--csv", action="append", default=[], help="more series: path[:column]")
    args = parser.parse_args()
    results = {}
    with zipfile.ZipFile(wheel(args.wheel)) as archive:
        for name, member in SERIES.items():
            values = read_values(archive.read(member).decode())
            results[name] = evaluate(name, values, args.horizon, args.season, args.origins)
    for given in args.csv:
        path, _, column = given.partition(":")
        values = read_values(Path(path).read_text(), column or None)
        results[Path(path).stem] = evaluate(
            Path(path).stem, values, args.horizon, args.season, args.origins
        )
    print(f"\n{'series':<14} {'naive MASE':>10} {'chosen MASE':>11} {'ratio':>6}")
    ratios = []
    for name, found in results.items():
        naive, chosen = found["seasonal naive"], found["chosen"]
        ratio = chosen / naive if naive > 0 else float("nan")
        if naive > 0:
            ratios.append(ratio)
        print(f"{name:<14} {naive:10.3f} {chosen:11.3f} {ratio:6.2f}")
    if ratios:
        mean = float(np.exp(np.mean(np.log(ratios))))
        print(f"geometric mean of chosen / naive MASE: {mean:.3f} over {len(ratios)} series")


if __name__ == "__main__":
    main()
