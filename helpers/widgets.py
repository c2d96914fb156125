"""Sliders: the one way the book makes a figure interactive.

Every interactive figure in the book is made by :func:`slider_figure`::

    def draw(fig, depth, width):
        ax = fig.add_subplot()
        ...

    slider_figure(draw, depth=range(1, 6), width=[2, 4, 8, 16])

In JupyterLab, Colab and Binder this is a live ipywidgets figure (works with
ipywidgets 7.7 and 8). Drawing a matplotlib frame takes 0.1 to 0.5 s on a laptop CPU,
too slow to redraw on every slider move, so the live figure draws only the first frame
when it is shown; once a browser displays it (or a slider first moves), a background
thread draws the other positions, nearest to the current one first and in the direction
the reader is moving, while the kernel is otherwise idle, and moves then only swap
images. ``precompute=False`` draws on every move instead. When the book is built for the
website (environment variable ``DLBOOK_STATIC=1``, set by the Makefile) the same call
draws one frame per slider position and shows them with browser controls that need no
kernel.
"""

from __future__ import annotations

import atexit
import base64
import html
import io
import itertools
import json
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image, features

from .plotting import use_book_style
from .progress import STATIC_ENV, progress, static_mode

__all__ = ["STATIC_ENV", "SliderFigure", "progress", "slider_figure", "static_mode"]

MAX_STATIC_FRAMES = 60
"""Default cap on the frames one static slider figure stores in the page."""

DrawFunction = Callable[..., Any]

IMAGE_FORMAT = "webp" if features.check("webp") else "png"
"""Frames are lossless WebP (about a third of the size of PNG) where Pillow supports it."""
_SAVE_OPTIONS: dict[str, Any] = {"lossless": True} if IMAGE_FORMAT == "webp" else {}

_DRAW_LOCK = threading.RLock()
"""One frame at a time in the whole kernel: matplotlib is not thread-safe."""


class _CellActivity:
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
        with _DRAW_LOCK:  # a frame in progress finishes before the cell's code starts
            pass

    def _free(self, *_: Any) -> None:
        self.idle.set()


_activity = _CellActivity()
_stopping = threading.Event()


@atexit.register
def _stop_drawing_ahead() -> None:
    """Let a frame in progress finish before the interpreter exits (a thread killed inside
    matplotlib's C++ code aborts the process)."""
    _stopping.set()
    with _DRAW_LOCK:
        pass

class _DrawAhead:
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
        while not _stopping.is_set():
            _activity.idle.wait()
            index = self._next()
            if index is None:
                self.finished.set()
                return
            with _DRAW_LOCK:
                if _stopping.is_set():
                    return
                if not _activity.idle.is_set():
                    continue  # a cell started meanwhile: wait for it to end
                try:
                    self.figure.render(**self._values(index))
                except Exception:  # noqa: BLE001 - shown under the figure if the reader goes there
                    self.failed.add(index)


LIVE_FIGURES: list[weakref.ref[Any]] = []
"""Every live widget shown so far (weak references; the box has ``.figure``, ``.sliders``,
``.image``, ``.message``): handles for the tests and benchmarks that drive them."""


def _format_value(value: Any) -> str:
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.4g}"
    return str(value)


def _values_list(name: str, values: Any) -> list[Any]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise TypeError(
            f"slider_figure(): slider {name!r} needs a sequence of values "
            f"(a list, range or 1-D array), got {type(values).__name__}"
        )
    items = [v.item() if isinstance(v, np.generic) else v for v in values]
    if not items:
        raise ValueError(f"slider_figure(): slider {name!r} has no values")
    repeated = [v for i, v in enumerate(items) if v in items[:i]]
    if repeated:
        raise ValueError(f"slider_figure(): slider {name!r} repeats the values {repeated}")
    return items


def _thin(length: int, keep: int, default_index: int) -> list[int]:
    """About ``keep`` evenly spread indices of ``range(length)``: both ends and the default."""
    if keep >= length:
        return list(range(length))
    chosen = {int(round(i)) for i in np.linspace(0, length - 1, max(keep, 2))}
    chosen.add(default_index)
    return sorted(chosen)


class SliderFigure:
    """An interactive figure: ``draw(fig, **values)`` redrawn whenever a slider moves.

    Made by :func:`slider_figure` (the same thing). Each keyword argument other than the
    options below names a slider and gives its values (a list, range or 1-D array), e.g.
    ``depth=range(1, 6)``. ``defaults`` picks the first position (otherwise each slider's
    first value), ``labels`` the text beside each slider. ``layout=None`` keeps
    matplotlib's fixed margins, about twice as fast to redraw as the default constrained
    layout (position the axes yourself). ``precompute=False`` draws on every move instead
    of keeping each drawn frame and drawing ahead (for grids too large to keep).
    Return it as the last expression of a cell: the notebook shows the live widget, or
    the static version with every frame in website builds.
    """

    def __init__(
        self,
        draw: DrawFunction,
        /,
        *,
        defaults: Mapping[str, Any] | None = None,
        labels: Mapping[str, str] | None = None,
        figsize: tuple[float, float] = (6.4, 4.0),
        dpi: int = 80,
        max_static_frames: int = MAX_STATIC_FRAMES,
        layout: str | None = "constrained",
        precompute: bool = True,
        **sliders: Sequence[Any],
    ) -> None:
        if not callable(draw):
            raise TypeError(f"slider_figure(): draw must be callable, got {type(draw).__name__}")
        if not sliders:
            raise ValueError("slider_figure(): give at least one slider, e.g. depth=range(1, 6)")
        if not isinstance(max_static_frames, int) or max_static_frames < 1:
            raise ValueError(
                f"slider_figure(): max_static_frames must be a positive int, got {max_static_frames!r}"
            )
        self.draw = draw
        self.values: dict[str, list[Any]] = {n: _values_list(n, v) for n, v in sliders.items()}
        defaults = dict(defaults or {})
        labels = dict(labels or {})
        for kind, mapping in (("defaults", defaults), ("labels", labels)):
            unknown = set(mapping) - set(self.values)
            if unknown:
                raise ValueError(
                    f"slider_figure(): {kind} names unknown sliders {sorted(unknown)}; "
                    f"the sliders are {list(self.values)}"
                )
        self.default_index: dict[str, int] = {}
        for name, options in self.values.items():
            if name in defaults:
                if defaults[name] not in options:
                    raise ValueError(
                        f"slider_figure(): default {defaults[name]!r} for {name!r} is not one of "
                        f"its values {options}"
                    )
                self.default_index[name] = options.index(defaults[name])
            else:
                self.default_index[name] = 0
        self.labels = {n: labels.get(n, n) for n in self.values}
        if layout not in ("constrained", "tight", None):
            raise ValueError(
                f"slider_figure(): layout must be 'constrained', 'tight' or None, got {layout!r}"
            )
        self.figsize = figsize
        self.dpi = dpi
        self.max_static_frames = max_static_frames
        self.layout = layout
        self.precompute = bool(precompute)
        self._figure: Figure | None = None
        self._frames: dict[tuple[Any, ...], bytes] = {}

    # ------------------------------------------------------------------ rendering
    def render(self, **values: Any) -> bytes:
        """Draw the figure for the given slider values; the image bytes (:data:`IMAGE_FORMAT`).

        With ``precompute`` each position is drawn once and then served from memory.
        """
        missing = set(self.values) - set(values)
        extra = set(values) - set(self.values)
        if missing or extra:
            raise ValueError(
                f"render(): expected values for exactly {list(self.values)}; "
                f"missing {sorted(missing)}, unexpected {sorted(extra)}"
            )
        key = tuple(values[n] for n in self.values)
        if key in self._frames:
            return self._frames[key]
        with _DRAW_LOCK:
            if key in self._frames:  # drawn by the background thread meanwhile
                return self._frames[key]
            use_book_style()
            if self._figure is None:
                self._figure = Figure(figsize=self.figsize, dpi=self.dpi, layout=self.layout)
                if self.layout is None:
                    # a placeholder engine: the book style's constrained default stays off
                    self._figure.set_layout_engine("none")
                FigureCanvasAgg(self._figure)
            fig = self._figure
            fig.clear()
            self.draw(fig, **values)
            # One Agg draw, then encode its pixels: savefig would lay the figure out twice.
            fig.canvas.draw()
            buffer = io.BytesIO()
            Image.fromarray(np.asarray(fig.canvas.buffer_rgba())).save(buffer, format=IMAGE_FORMAT,
                                                                       **_SAVE_OPTIONS)
            image = buffer.getvalue()
            if self.precompute:
                self._frames[key] = image
        return image

    def positions(self) -> Iterator[dict[str, Any]]:
        """Every slider position, as the keyword arguments of ``draw``."""
        names = list(self.values)
        for combo in itertools.product(*(self.values[n] for n in names)):
            yield dict(zip(names, combo))

    @property
    def n_positions(self) -> int:
        """How many slider positions there are: the product of the sliders' lengths."""
        return int(np.prod([len(v) for v in self.values.values()]))

    def default_values(self) -> dict[str, Any]:
        """The slider values shown first."""
        return {n: self.values[n][self.default_index[n]] for n in self.values}

    # ------------------------------------------------------------------ live widget
    def widget(self) -> Any:
        """The live ipywidgets version: one slider per parameter above the image.

        Only the first frame is drawn here. With ``precompute`` a background thread
        draws the rest once a browser shows the widget or a slider first moves.
        """
        import ipywidgets as w

        image = w.Image(format=IMAGE_FORMAT, value=self.render(**self.default_values()))
        message = w.HTML(value="")
        sliders = {}
        for name, options in self.values.items():
            sliders[name] = w.SelectionSlider(
                options=[(_format_value(v), v) for v in options],
                value=options[self.default_index[name]],
                description=self.labels[name],
                continuous_update=False,
                style={"description_width": "initial"},
                layout=w.Layout(width="420px"),
            )
        ahead = _DrawAhead(self) if self.precompute else None

        def redraw(_change: Any = None) -> None:
            values = {n: s.value for n, s in sliders.items()}
            if ahead is not None:
                ahead.follow(values)
            try:
                image.value = self.render(**values)
                message.value = ""
            except Exception as error:  # shown under the figure: callbacks cannot raise
                message.value = (
                    '<pre style="color:#D55E00">'
                    + html.escape(f"{type(error).__name__}: {error}")
                    + "</pre>"
                )

        for slider in sliders.values():
            slider.observe(redraw, names="value")
        if ahead is not None:
            # The front end counts the views it shows: the first one starts drawing ahead.
            image._view_count = 0
            image.observe(lambda change: ahead.start() if change["new"] else None,
                          names="_view_count")
            _activity.hook()
        box = w.VBox([*sliders.values(), image, message])
        box.figure = self  # handles for tests and benchmarks
        box.sliders = sliders
        box.image = image
        box.message = message
        box.ahead = ahead
        LIVE_FIGURES.append(weakref.ref(box))
        return box

    # ------------------------------------------------------------------ static website
    def static_grid(self) -> dict[str, list[int]]:
        """For each slider, the indices of the values stored in the static page.

        Sliders with many values are thinned (evenly, keeping both ends and the
        default) until the grid has about ``max_static_frames`` positions.
        """
        keep = {n: len(v) for n, v in self.values.items()}
        while int(np.prod(list(keep.values()))) > self.max_static_frames:
            longest = max(keep, key=keep.__getitem__)
            if keep[longest] <= 2:
                break
            keep[longest] -= 1
        return {n: _thin(len(self.values[n]), keep[n], self.default_index[n]) for n in keep}

    def static_html(self) -> str:
        """Self-contained HTML: every precomputed frame plus controls in plain JavaScript."""
        grid = self.static_grid()
        names = list(self.values)
        frames: list[str] = []
        for combo in itertools.product(*(grid[n] for n in names)):
            values = {n: self.values[n][i] for n, i in zip(names, combo)}
            frames.append(base64.b64encode(self.render(**values)).decode("ascii"))
        total = self.n_positions
        note = ""
        if len(frames) < total:
            parts = [
                f"{len(grid[n])} of {len(self.values[n])} values of {self.labels[n]}"
                for n in names
                if len(grid[n]) < len(self.values[n])
            ]
            note = (
                f"This page stores {len(frames)} of the {total} slider positions "
                f"({'; '.join(parts)}); run the notebook for every value."
            )
        spec = {
            "names": [self.labels[n] for n in names],
            "values": [[_format_value(self.values[n][i]) for i in grid[n]] for n in names],
            "start": [grid[n].index(self.default_index[n]) for n in names],
            "format": IMAGE_FORMAT,
            "frames": frames,
            "positions": total,  # all slider positions; more than frames when thinned
        }
        first = self.default_values()
        alt = "Figure for " + ", ".join(f"{self.labels[n]} = {_format_value(first[n])}" for n in names)
        return _STATIC_TEMPLATE.format(
            spec=json.dumps(spec).replace("</", "<\\/"),
            format=IMAGE_FORMAT,
            alt=html.escape(alt),
            first=frames[int(np.ravel_multi_index(spec["start"], [len(grid[n]) for n in names]))],
            note=f'<p class="slider-figure-note" style="font-size: 0.9em">{html.escape(note)}</p>'
            if note else "",
            script=_STATIC_SCRIPT,
        )

    def _ipython_display_(self) -> None:
        from IPython.display import HTML, display

        if static_mode():
            display(HTML(self.static_html()))
        else:
            display(self.widget())


slider_figure = SliderFigure
"""The one way the book makes a figure interactive (see :class:`SliderFigure`)."""


_STATIC_SCRIPT = """
(function () {
  var root = document.currentScript.parentElement;
  var spec = JSON.parse(root.querySelector('script[type="application/json"]').textContent);
  var img = root.querySelector('img');
  var controls = root.querySelector('.slider-figure-controls');
  var prefix = 'slider-figure-' + (window.sliderFigureCount = (window.sliderFigureCount || 0) + 1);
  var inputs = [], shows = [];
  function update() {
    var index = 0, parts = [];
    for (var k = 0; k < inputs.length; k++) {
      var i = parseInt(inputs[k].value, 10), text = spec.values[k][i];
      shows[k].textContent = text;
      inputs[k].setAttribute('aria-valuetext', text);
      parts.push(spec.names[k] + ' = ' + text);
      index = index * spec.values[k].length + i;
    }
    img.src = 'data:image/' + spec.format + ';base64,' + spec.frames[index];
    img.alt = 'Figure for ' + parts.join(', ');
  }
  spec.names.forEach(function (name, k) {
    var id = prefix + '-' + k;
    var label = document.createElement('label');
    label.htmlFor = id;
    label.textContent = name;
    var input = document.createElement('input');
    input.type = 'range'; input.id = id; input.min = 0; input.max = spec.values[k].length - 1;
    input.step = 1; input.value = spec.start[k];
    input.style.width = '100%'; input.style.margin = '0';
    input.addEventListener('input', update);
    var out = document.createElement('output');
    out.setAttribute('for', id);
    out.style.fontVariantNumeric = 'tabular-nums';
    controls.appendChild(label); controls.appendChild(input); controls.appendChild(out);
    inputs.push(input); shows.push(out);
  });
  update();
})();
"""

_STATIC_TEMPLATE = """<div class="slider-figure">
<div class="slider-figure-controls" style="display: grid; grid-template-columns: max-content minmax(6em, 24em) max-content; gap: 0.3em 0.8em; align-items: center; margin-bottom: 0.4em"></div>
<img alt="{alt}" src="data:image/{format};base64,{first}" style="max-width: 100%; height: auto">
{note}<script type="application/json">{spec}</script>
<script>{script}</script>
</div>"""
