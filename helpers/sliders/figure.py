"""The slider figure: ``draw(fig, **values)`` redrawn for every slider position, shown as
a live ipywidgets figure in a kernel or as stored frames on the website."""

from __future__ import annotations

import html
import io
import itertools
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image, features

from ..plotting import use_book_style
from ..progress import static_mode
from . import static_page
from .draw_ahead import DRAW_LOCK, DrawAhead, activity

MAX_STATIC_FRAMES = 60
"""Default cap on the frames one static slider figure stores in the page."""

DrawFunction = Callable[..., Any]

IMAGE_FORMAT = "webp" if features.check("webp") else "png"
"""Frames are lossless WebP (about a third of the size of PNG) where Pillow supports it."""
_SAVE_OPTIONS: dict[str, Any] = {"lossless": True} if IMAGE_FORMAT == "webp" else {}

LIVE_FIGURES: list[weakref.ref[Any]] = []
"""Every live widget shown so far (weak references; the box has ``.figure``, ``.sliders``,
``.image``, ``.message``, ``.ahead``): handles for the tests and benchmarks that drive them."""


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
        with DRAW_LOCK:
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
                options=[(static_page.format_value(v), v) for v in options],
                value=options[self.default_index[name]],
                description=self.labels[name],
                continuous_update=False,
                style={"description_width": "initial"},
                layout=w.Layout(width="420px"),
            )
        ahead = DrawAhead(self) if self.precompute else None

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
            activity.hook()
        box = w.VBox([*sliders.values(), image, message])
        box.figure = self  # handles for tests and benchmarks
        box.sliders = sliders
        box.image = image
        box.message = message
        box.ahead = ahead
        LIVE_FIGURES.append(weakref.ref(box))
        return box

    @property
    def image_format(self) -> str:
        return IMAGE_FORMAT

    def static_grid(self) -> dict[str, list[int]]:
        """For each slider, the indices of the values the website stores (see static_page)."""
        return static_page.static_grid(self)

    def static_html(self) -> str:
        """Self-contained HTML: every stored frame plus controls in plain JavaScript."""
        return static_page.static_html(self)

    def _ipython_display_(self) -> None:
        from IPython.display import HTML, display

        if static_mode():
            display(HTML(self.static_html()))
        else:
            display(self.widget())


slider_figure = SliderFigure
"""The one way the book makes a figure interactive (see :class:`SliderFigure`)."""
