"""Live slider figures as a reader meets them, on the book's real figures.

Every notebook runs in a live kernel (not the website build). After each cell, every
slider figure it showed is measured twice, each time on a fresh copy with nothing drawn:

- **the book** (``helpers.sliders`` today): the seconds until the first frame is shown
  (``widget()`` returns), then a scripted reading session that starts at once: a browser
  shows the figure, and each slider steps through all its values and back to its default,
  the others at their defaults, one move every :data:`PACE_S` seconds (a quick reader: the
  pause is counted from the moment the previous frame was shown). A move's latency is the
  time from setting the slider to the new image being in place;
- **draw everything first** (the book before issue 16): every position drawn before the
  figure is shown, then the same moves.

Goals (issue 16): first frame <= 1 s (median over the figures); moves <= 150 ms median and
<= 500 ms at the 95th percentile over the session.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from pathlib import Path

import nbformat
import numpy as np
from nbclient import NotebookClient

from benchmarks.common import Row
from tools.toc import ROOT, notebooks

PACE_S = 0.5
FIRST_FRAME_BUDGET_S = 1.0
MOVE_MEDIAN_BUDGET_S = 0.150
MOVE_P95_BUDGET_S = 0.500

# Runs in the notebook's kernel after each cell: measures the figures the cell showed.
_PROBE = """
import sys as _sys
_sys.path.insert(0, {root!r})
from benchmarks.bench_sliders import measure_new_figures as _measure
print("SLIDER-BENCH" + _measure({pace!r}))
"""


def _fresh(figure):  # noqa: ANN001, ANN202 - a SliderFigure
    import copy

    clone = copy.copy(figure)
    clone._frames, clone._figure = {}, None
    return clone


def _session(box, pace: float) -> list[float]:  # noqa: ANN001 - an ipywidgets box
    """Step every slider through its values and back, one move per ``pace`` seconds."""
    seconds = []
    for slider in box.sliders.values():
        options = [v for _, v in slider.options]
        n, s = len(options), options.index(slider.value)
        # up to the last value, down to the first, back up to the default
        path = [*range(s + 1, n), *range(n - 2, -1, -1), *range(1, s + 1)] if n > 1 else []
        for value in (options[i] for i in path):
            time.sleep(pace)
            begin = time.perf_counter()
            slider.value = value
            seconds.append(time.perf_counter() - begin)
    return seconds


def measure_new_figures(pace: float) -> str:
    """JSON list: for each live figure shown since the last call, both behaviours measured."""
    from helpers import sliders
    from helpers.sliders import draw_ahead

    seen = globals().setdefault("_seen", set())
    records = []
    for ref in list(sliders.LIVE_FIGURES):
        box = ref()
        if box is None or id(box) in seen or getattr(box, "_bench", False):
            continue
        seen.add(id(box))
        figure = box.figure
        draw_ahead.activity.idle.set()  # the reader looks: the kernel is idle between moves
        try:
            fresh = _fresh(figure)
            begin = time.perf_counter()
            live = fresh.widget()
            first = time.perf_counter() - begin
            live._bench = True
            live.image._view_count = 1  # a browser shows it
            moves = _session(live, pace)
            old = _fresh(figure)
            begin = time.perf_counter()
            frames = []
            for values in old.positions():
                t0 = time.perf_counter()
                try:
                    old.render(**values)
                except Exception:  # noqa: BLE001 - the old widget skipped failing positions too
                    pass
                frames.append(time.perf_counter() - t0)
            old_first = time.perf_counter() - begin
            old.precompute = False  # its widget() must not start drawing ahead
            old_box = old.widget()
            old_box._bench = True
            old_moves = _session(old_box, 0.0)
            old_box.close()
            live.close()
        finally:
            draw_ahead.activity.idle.clear()
        records.append({"draw": getattr(figure.draw, "__qualname__", "?"), "sliders": list(figure.values),
                        "positions": figure.n_positions, "first": first, "moves": moves,
                        "old_first": old_first, "old_moves": old_moves, "frames": frames})
    return json.dumps(records)


def _measure_notebook(path: Path) -> list[dict]:
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    env = {k: v for k, v in os.environ.items() if k != "DLBOOK_STATIC"}
    found = []
    with client.setup_kernel(env=env):
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type != "code":
                continue
            client.execute_cell(cell, index)
            if "slider_figure(" not in cell.source:
                continue
            probe = nbformat.v4.new_code_cell(_PROBE.format(root=str(ROOT), pace=PACE_S))
            client.execute_cell(probe, index)
            text = "".join(o.get("text", "") for o in probe.outputs if o.get("name") == "stdout")
            for record in json.loads(text.split("SLIDER-BENCH", 1)[1]):
                found.append({**record, "notebook": str(path.relative_to(ROOT).with_suffix(""))})
    return found


def run(repeats: int = 1) -> list[Row]:
    del repeats  # one reading session per figure: the session itself is the repetition
    records = [r for path in notebooks() for r in _measure_notebook(path)]
    rows = []
    for r in records:
        ms = np.asarray(r["moves"]) * 1000
        old_ms = np.asarray(r["old_moves"]) * 1000
        name = f"{r['notebook']}: {r['draw']}({', '.join(r['sliders'])})"
        rows.append(Row(
            "live sliders", f"{name}: first frame", "s", r["first"], comparison=r["old_first"],
            comparison_name="draw every position first", budget=f"<= {FIRST_FRAME_BUDGET_S:g} s",
            notes=f"{r['positions']} positions; a frame takes {np.median(r['frames']) * 1000:.0f} ms "
                  f"(median)", runs=1))
        if len(ms):
            rows.append(Row(
                "live sliders", f"{name}: moves", "ms", float(np.median(ms)),
                comparison=float(np.median(old_ms)), comparison_name="after drawing every position",
                budget=f"median <= {MOVE_MEDIAN_BUDGET_S * 1000:.0f} ms",
                notes=f"p95 {np.percentile(ms, 95):.0f} ms (drawn first: {np.percentile(old_ms, 95):.1f} ms); "
                      f"max {ms.max():.0f} ms; one move every {PACE_S:g} s", runs=len(ms)))
    firsts = [r["first"] for r in records]
    old_firsts = [r["old_first"] for r in records]
    moves = np.concatenate([r["moves"] for r in records]) * 1000
    old_moves = np.concatenate([r["old_moves"] for r in records]) * 1000
    summary = [
        Row("live sliders: the book", f"first frame, median over {len(records)} figures", "s",
            statistics.median(firsts), comparison=statistics.median(old_firsts),
            comparison_name="draw every position first", budget=f"<= {FIRST_FRAME_BUDGET_S:g} s",
            notes=f"slowest {max(firsts):.2f} s (drawn first: slowest {max(old_firsts):.1f} s)",
            runs=len(records)),
        Row("live sliders: the book", f"slider move, median over {len(moves)} moves", "ms",
            float(np.median(moves)), comparison=float(np.median(old_moves)),
            comparison_name="after drawing every position", budget=f"<= {MOVE_MEDIAN_BUDGET_S * 1000:.0f} ms",
            notes=f"reading session: one move every {PACE_S:g} s, starting as the figure appears",
            runs=len(moves)),
        Row("live sliders: the book", f"slider move, 95th percentile over {len(moves)} moves", "ms",
            float(np.percentile(moves, 95)), comparison=float(np.percentile(old_moves, 95)),
            comparison_name="after drawing every position", budget=f"<= {MOVE_P95_BUDGET_S * 1000:.0f} ms",
            notes=f"slowest move {moves.max():.0f} ms", runs=len(moves)),
    ]
    return summary + rows
