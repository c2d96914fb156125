"""Run the benchmarks and write the results table: ``python -m benchmarks.run``.

Writes ``benchmarks/results.md`` (the table) and ``benchmarks/results.json`` (the same
rows, machine-readable), each with the machine it ran on. Every row puts the book's
figure next to its comparison measured in the same run, with their ratio.
``--only NAME`` runs one group (parity, linear_views, cnn, book, sliders, gpu).
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import json
import time
from pathlib import Path

from benchmarks.common import Row, machine

HERE = Path(__file__).resolve().parent
GROUPS = ("parity", "linear_views", "cnn", "book", "sliders", "gpu")


def _format(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    if unit == "ms":
        return f"{value:.2f} ms" if value < 1 else f"{value:.1f} ms" if value < 10 else f"{value:.0f} ms"
    if unit == "s":
        return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"
    return f"{value:,.0f} {unit}"


def table(rows: list[Row], info: dict, started: str, seconds: float) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Measured {started} in {seconds / 60:.1f} minutes by `make bench` "
        "(`python -m benchmarks.run`). Medians over the runs shown; the book's figure and the "
        "comparison's were measured in the same run. Ratio: how many times better the book's "
        "figure is.",
        "",
        "Machine: " + ", ".join(f"{k} {v}" for k, v in info.items()),
        "",
    ]
    group = None
    for row in rows:
        if row.group != group:
            group = row.group
            lines += ["", f"## {group}", "",
                      "| item | book | comparison | ratio | budget | runs | notes |",
                      "| --- | --- | --- | --- | --- | --- | --- |"]
        comparison = (f"{_format(row.comparison, row.unit)} ({row.comparison_name})"
                      if row.comparison is not None else "–")
        ratio = f"{row.ratio:.1f}x" if row.ratio is not None else "–"
        lines.append(f"| {row.item} | {_format(row.book, row.unit)} | {comparison} | {ratio} | "
                     f"{row.budget} | {row.runs} | {row.notes} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=GROUPS, action="append", help="run only these groups")
    parser.add_argument("--repeats", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--out", type=Path, default=HERE, help="folder for results.md/json")
    args = parser.parse_args()
    started = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    info = machine()
    start = time.perf_counter()
    rows: list[Row] = []
    for name in args.only or GROUPS:
        print(f"benchmark: {name} ...", flush=True)
        t0 = time.perf_counter()
        rows += importlib.import_module(f"benchmarks.bench_{name}").run(repeats=args.repeats)
        print(f"benchmark: {name} took {time.perf_counter() - t0:.0f} s", flush=True)
    seconds = time.perf_counter() - start
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.md").write_text(table(rows, info, started, seconds), encoding="utf-8")
    (args.out / "results.json").write_text(json.dumps(
        {"started": started, "seconds": seconds, "machine": info,
         "rows": [r.as_dict() for r in rows]}, indent=2) + "\n", encoding="utf-8")
    print((args.out / "results.md").read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
