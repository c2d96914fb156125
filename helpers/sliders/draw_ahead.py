"""Drawing a live slider figure's frames ahead of the reader, in a background thread.

A frame costs 0.1 to 0.5 s to draw on a laptop CPU, longer than a slider move may take.
:class:`DrawAhead` draws the positions a reader is likely to visit next while the kernel
is idle (:class:`CellActivity` pauses it whenever a cell runs), so that a move only
swaps images. :data:`DRAW_LOCK` keeps matplotlib to one frame at a time.
"""

from __future__ import annotations

import atexit
import itertools
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .figure import SliderFigure

DRAW_LOCK = threading.RLock()
"""One frame at a time in the whole kernel: matplotlib is not thread-safe."""


class CellActivity:
    """Whether the kernel is running a cell: background drawing waits while it is, so it
    never slows a student's code down (and never draws beside the cell's own plots)."""

    def __init__(self) -> None:
        self.idle = threading.Event()
        self.idle.set()
        self._hooked = False

    def hook(self) -> None:
        """Follow IPython's cell events (once); called from inside the cell showing a figure."""
        if self._hooked:
            return
        try:
            from IPython import get_ipython
        except ImportError:  # pragma: no cover - IPython is a dependency of ipywidgets
            return
        shell = get_ipython()
        if shell is None:
            return
        shell.events.register("pre_run_cell", self._busy)
        shell.events.register("post_run_cell", self._free)
        self._hooked = True
        self.idle.clear()  # the cell that shows the figure is still running

    def _busy(self, *_: Any) -> None:
        self.idle.clear()
        with DRAW_LOCK:  # a frame in progress finishes before the cell's code starts
            pass

    def _free(self, *_: Any) -> None:
        self.idle.set()


activity = CellActivity()
stopping = threading.Event()


@atexit.register
def _stop_drawing_ahead() -> None:
    """Let a frame in progress finish before the interpreter exits (a thread killed inside
    matplotlib's C++ code aborts the process)."""
    stopping.set()
    with DRAW_LOCK:
        pass

class DrawAhead:
    """Draws a live figure's other positions in a background thread while the kernel is
    idle: the nearest to the reader's position first, ahead in the direction of the last
    move before behind it. Started by the first view of the widget or the first move."""

    def __init__(self, figure: SliderFigure) -> None:
        self.figure = figure
        self.names = list(figure.values)
        self.here = tuple(figure.default_index[n] for n in self.names)
        self.heading = (0,) * len(self.names)
        self.failed: set[tuple[int, ...]] = set()
        self.finished = threading.Event()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    def _values(self, index: tuple[int, ...]) -> dict[str, Any]:
        return {n: self.figure.values[n][i] for n, i in zip(self.names, index)}

    def follow(self, values: Mapping[str, Any]) -> None:
        """The reader moved to ``values`` (called on every move, in the kernel's thread)."""
        there = tuple(self.figure.values[n].index(values[n]) for n in self.names)
        self.heading = tuple((b > a) - (b < a) for a, b in zip(self.here, there))
        self.here = there
        self.start()

    def start(self) -> None:
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="slider-figure-draw-ahead",
                                                daemon=True)
                self._thread.start()

    def _next(self) -> tuple[int, ...] | None:
        """The undrawn position to draw next, or None when every one is drawn."""
        here, heading = self.here, self.heading
        best, best_rank = None, None
        for index in itertools.product(*(range(len(self.figure.values[n])) for n in self.names)):
            if index in self.failed or tuple(self._values(index).values()) in self.figure._frames:
                continue
            steps = [i - h for i, h in zip(index, here)]
            rank = (sum(abs(step) for step in steps), -sum(s * d for s, d in zip(steps, heading)))
            if best_rank is None or rank < best_rank:
                best, best_rank = index, rank
        return best

    def _run(self) -> None:
        while not stopping.is_set():
            activity.idle.wait()
            index = self._next()
            if index is None:
                self.finished.set()
                return
            with DRAW_LOCK:
                if stopping.is_set():
                    return
                if not activity.idle.is_set():
                    continue  # a cell started meanwhile: wait for it to end
                try:
                    self.figure.render(**self._values(index))
                except Exception:  # noqa: BLE001 - shown under the figure if the reader goes there
                    self.failed.add(index)
