"""The whole book: execute every notebook (the nbval run) and rebuild the site from a warm cache.

Each notebook's execution time (its cells under nbval, kernel start excluded) is compared
with the budget its chapter issue sets.

The nbval run also records, for every slider figure (``DLBOOK_SLIDER_TIMINGS``), how long
each frame takes to draw and encode, and how long each move of a slider takes in the
live ipywidgets figure (built in the same kernel, its sliders moved one value at a time).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.common import Row
from tools.toc import ROOT, notebooks

SLIDER_BUDGET_S = 0.150
# seconds each notebook may take to execute on the 2-core CPU, by chapter folder (the chapter issues)
NOTEBOOK_BUDGET_S = {"00_start": 60, "01_linear_networks": 60, "02_approximation": 60,
                     "03_backprop": 90, "04_parity": 90, "05_cifar10": 120}


def _notebook_rows(cache: Path) -> list[Row]:
    """One row per notebook: the seconds its cells took under nbval, against its chapter's budget."""
    from jupyter_cache import get_cache

    rows = []
    for record in sorted(get_cache(str(cache)).list_cache_records(), key=lambda r: r.uri):
        path = Path(record.uri).resolve().relative_to(ROOT)
        budget = NOTEBOOK_BUDGET_S[path.parts[1]]
        seconds = float(record.data["execution_seconds"])
        rows.append(Row("notebook execution", str(path.with_suffix("")), "s", seconds,
                        budget=f"<= {budget} s", runs=1,
                        notes="within budget" if seconds <= budget else "OVER BUDGET"))
    return rows


def _run(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def run(repeats: int = 1) -> list[Row]:
    """Time one full nbval run and one warm rebuild; summarise every slider's frame times."""
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        timings = Path(tmp) / "sliders.jsonl"
        cache = Path(tmp) / "jupyter_cache"
        env = {**os.environ, "DLBOOK_STATIC": "1", "DLBOOK_SLIDER_TIMINGS": str(timings)}
        paths = [str(p.relative_to(ROOT)) for p in notebooks()]
        nbval = _run([sys.executable, "-m", "pytest", "-q", "-p", "tools.nbval_cache", "--nbval-lax",
                      "--nbval-current-env", "--nbval-cache-dir", str(cache), *paths], env)
        rows.append(Row("whole book", f"execute all {len(paths)} notebooks (nbval)", "s", nbval,
                        budget="test command <= 30 min in all", runs=1))
        notebook_rows = _notebook_rows(cache)
        out = Path(tmp) / "site"
        jb = str(Path(sys.executable).with_name("jupyter-book"))
        build = [jb, "build", ".", "--path-output", str(out), "-W", "-n", "--keep-going"]
        config_env = {**env, "DLBOOK_SLIDER_TIMINGS": ""}
        # first build fills the Sphinx environment from the nbval cache; the second is the warm rebuild
        (out / "_build").mkdir(parents=True)
        os.symlink(cache, out / "_build" / ".jupyter_cache")
        _run(build, config_env)
        warm = [_run(build, config_env) for _ in range(max(repeats, 1))]
        rows.append(Row("whole book", "rebuild the website, warm cache, nothing changed", "s",
                        statistics.median(warm), budget="seconds", runs=len(warm)))
        for line in timings.read_text(encoding="utf-8").splitlines() if timings.exists() else []:
            record = json.loads(line)
            moves, frames = np.asarray(record["moves"]) * 1000, np.asarray(record["seconds"]) * 1000
            up_front = record["positions"] * float(np.median(frames)) / 1000 if record["precompute"] else 0.0
            note = (f"p95 {np.percentile(moves, 95):.1f} ms over {len(moves)} moves; drawing a frame: "
                    f"median {np.median(frames):.0f} ms, p95 {np.percentile(frames, 95):.0f} ms"
                    + (f"; all {record['positions']} positions drawn when shown, about {up_front:.0f} s"
                       if record["precompute"] else "; drawn on every move"))
            rows.append(Row(
                "slider latency", f"{record['folder']}: {record['draw']}({', '.join(record['sliders'])})",
                "ms", float(np.median(moves)), budget=f"<= {SLIDER_BUDGET_S * 1000:.0f} ms",
                notes=note, runs=len(moves),
                extra={"p95_ms": float(np.percentile(moves, 95)), "frame_median_ms": float(np.median(frames)),
                       "frame_p95_ms": float(np.percentile(frames, 95)), "up_front_s": up_front},
            ))
    return rows + notebook_rows
