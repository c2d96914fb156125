"""Sliders and progress bars: the one way the book makes a figure interactive.

Every interactive figure in the book is made by :func:`slider_figure`::

    def draw(fig, depth, width):
        ax = fig.add_subplot()
        ...

    slider_figure(draw, depth=range(1, 6), width=[2, 4, 8, 16])

In JupyterLab, Colab and Binder this is a live ipywidgets figure (works with
ipywidgets 7.7 and 8). Drawing a matplotlib figure takes 0.1 to 0.5 s on a laptop CPU,
too slow for a slider, so by default every position is drawn once when the figure is
shown (with a progress bar) and moving a slider only swaps images; ``precompute=False``
draws on every move instead. When the book is built
for the website (environment variable ``DLBOOK_STATIC=1``, set by the Makefile) the
same call precomputes one frame per slider position and shows them with browser
controls that need no kernel.
"""

from __future__ import annotations

import base64
import html
import io
import itertools
import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image, features
from tqdm.std import tqdm as _std_tqdm

from .plotting import use_book_style

STATIC_ENV = "DLBOOK_STATIC"
"""Set to ``1`` while the notebooks are executed for the static website."""

TIMING_ENV = "DLBOOK_SLIDER_TIMINGS"
"""If set to a file path, every static render appends its frame times and the times of
live slider moves there (JSON lines); ``make bench`` reads them."""

MAX_STATIC_FRAMES = 60
"""Default cap on the frames one static slider figure stores in the page."""

DrawFunction = Callable[..., Any]

IMAGE_FORMAT = "webp" if features.check("webp") else "png"
"""Frames are lossless WebP (about a third of the size of PNG) where Pillow supports it."""
_SAVE_OPTIONS: dict[str, Any] = {"lossless": True} if IMAGE_FORMAT == "webp" else {}


def static_mode() -> bool:
    """True while the book is executed for the static website."""
    return os.environ.get(STATIC_ENV, "") == "1"


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
    """A matplotlib figure redrawn by ``draw(fig, **values)`` for every slider position.

    Create it with :func:`slider_figure`; displaying it (as a cell's last expression)
    shows the live widget, or the precomputed static version in website builds.
    """

    def __init__(
        self,
        draw: DrawFunction,
        sliders: Mapping[str, Sequence[Any]],
        *,
        defaults: Mapping[str, Any] | None = None,
        labels: Mapping[str, str] | None = None,
        figsize: tuple[float, float] = (6.4, 4.0),
        dpi: int = 80,
        max_static_frames: int = MAX_STATIC_FRAMES,
        layout: str | None = "constrained",
        precompute: bool = True,
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
        """The live ipywidgets version: one slider per parameter above the image."""
        import ipywidgets as w

        if self.precompute:
            for values in progress(self.positions(), total=self.n_positions, desc="drawing every position"):
                try:
                    self.render(**values)
                except Exception:  # noqa: BLE001 - shown under the figure when that position is chosen
                    pass
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

        def redraw(_change: Any = None) -> None:
            try:
                image.value = self.render(**{n: s.value for n, s in sliders.items()})
                message.value = ""
            except Exception as error:  # shown under the figure: callbacks cannot raise
                message.value = (
                    '<pre style="color:#D55E00">'
                    + html.escape(f"{type(error).__name__}: {error}")
                    + "</pre>"
                )

        for slider in sliders.values():
            slider.observe(redraw, names="value")
        box = w.VBox([*sliders.values(), image, message])
        box.sliders = sliders  # handles for tests and benchmarks
        box.image = image
        box.message = message
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
        seconds: list[float] = []
        for combo in itertools.product(*(grid[n] for n in names)):
            values = {n: self.values[n][i] for n, i in zip(names, combo)}
            start = time.perf_counter()
            image = self.render(**values)
            seconds.append(time.perf_counter() - start)
            frames.append(base64.b64encode(image).decode("ascii"))
        self._record_timings(seconds)
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

    def live_move_seconds(self) -> list[float]:
        """Seconds each slider move of the live widget takes in the kernel: every slider
        through all its values, the others at their defaults (after the widget is built)."""
        box = self.widget()
        seconds = []
        for name, options in self.values.items():
            for value in [*options[1:], options[0]] if len(options) > 1 else []:
                start = time.perf_counter()
                box.sliders[name].value = value
                seconds.append(time.perf_counter() - start)
            box.sliders[name].value = options[self.default_index[name]]
        box.close()
        return seconds

    def _record_timings(self, seconds: list[float]) -> None:
        path = os.environ.get(TIMING_ENV)
        if not path:
            return
        moves = self.live_move_seconds()
        record = {"folder": os.path.basename(os.getcwd()),  # notebooks run in their folder
                  "draw": getattr(self.draw, "__qualname__", repr(self.draw)),
                  "sliders": list(self.values), "precompute": self.precompute,
                  "seconds": seconds, "moves": moves,
                  "positions": self.n_positions}
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(record) + "\n")

    def _ipython_display_(self) -> None:
        from IPython.display import HTML, display

        if static_mode():
            display(HTML(self.static_html()))
        else:
            display(self.widget())


def slider_figure(
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
) -> SliderFigure:
    """An interactive figure: ``draw(fig, **values)`` redrawn whenever a slider moves.

    Each keyword argument names a slider and gives its values (a list, range or 1-D
    array), e.g. ``depth=range(1, 6)``. ``defaults`` picks the first position
    (otherwise each slider's first value), ``labels`` the text beside each slider.
    ``layout=None`` keeps matplotlib's fixed margins, about twice as fast to redraw as
    the default constrained layout (position the axes yourself). By default every
    position is drawn once when the figure is shown, so that slider moves afterwards
    only swap images; ``precompute=False`` draws on every move instead (for grids too
    large to draw up front).
    Return it as the last expression of a cell so the notebook displays it.
    """
    return SliderFigure(
        draw,
        sliders,
        defaults=defaults,
        labels=labels,
        figsize=figsize,
        dpi=dpi,
        max_static_frames=max_static_frames,
        layout=layout,
        precompute=precompute,
    )


def progress(iterable: Iterable[Any] | None = None, *, total: int | None = None,
             desc: str = "") -> Any:
    """A progress bar for long loops (``tqdm``).

    Live notebooks get tqdm's notebook bar; website builds print one final summary
    line instead of an animated bar.
    """
    if static_mode():
        return _SummaryBar(iterable, total=total, desc=desc)
    from tqdm.auto import tqdm

    return tqdm(iterable, total=total, desc=desc)


class _SummaryBar(_std_tqdm):
    """tqdm that stays silent while running and prints its final state once."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["file"] = io.StringIO()
        super().__init__(*args, **kwargs)

    def close(self) -> None:
        if self.disable:
            return
        line = str(self)
        super().close()
        print(line, file=sys.stdout)


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
