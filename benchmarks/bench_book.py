"""The whole book: execute every notebook (the nbval run) and rebuild the site from a warm cache.

Each notebook's execution time (its cells under nbval, kernel start excluded) is compared
with the budget its chapter issue sets. Live slider figures: ``bench_sliders``.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


from benchmarks.common import Row
from tools.toc import ROOT, notebooks

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
        cache = Path(tmp) / "jupyter_cache"
        env = {**os.environ, "DLBOOK_STATIC": "1"}
        paths = [str(p.relative_to(ROOT)) for p in notebooks()]
        nbval = _run([sys.executable, "-m", "pytest", "-q", "-p", "tools.nbval_cache", "--nbval-lax",
                      "--nbval-current-env", "--nbval-cache-dir", str(cache), *paths], env)
        rows.append(Row("whole book", f"execute all {len(paths)} notebooks (nbval)", "s", nbval,
                        budget="test command <= 30 min in all", runs=1))
        notebook_rows = _notebook_rows(cache)
        out = Path(tmp) / "site"
        jb = str(Path(sys.executable).with_name("jupyter-book"))
        build = [jb, "build", ".", "--path-output", str(out), "-W", "-n", "--keep-going"]
        config_env = env
        # first build fills the Sphinx environment from the nbval cache; the second is the warm rebuild
        (out / "_build").mkdir(parents=True)
        os.symlink(cache, out / "_build" / ".jupyter_cache")
        _run(build, config_env)
        warm = [_run(build, config_env) for _ in range(max(repeats, 1))]
        rows.append(Row("whole book", "rebuild the website, warm cache, nothing changed", "s",
                        statistics.median(warm), budget="seconds", runs=len(warm)))
    return rows + notebook_rows
