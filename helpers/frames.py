"""Pre-rendered slider frames: draw a slow figure once per slider position, show it instantly.

A slider figure whose drawing takes longer than a slider update may (scatter plots of
thousands of points, many small axes) can draw every position once, up front, into an
image with :func:`prerender`; its ``draw`` function then only shows that image with
:func:`show_frame`::

    frames = {rho: prerender(draw_views, figsize=(11, 4), rho=rho) for rho in RIDGES}
    slider_figure(lambda fig, rho: show_frame(fig, frames[rho]), rho=RIDGES, figsize=(11, 4))

The image has exactly the slider figure's size in pixels, so nothing is resampled.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .plotting import use_book_style


def prerender(draw: Callable[..., Any], *, figsize: tuple[float, float], dpi: int = 80,
              **values: Any) -> np.ndarray:
    """``draw(fig, **values)`` on a fresh figure, returned as an RGBA ``uint8`` image.

    Use the same ``figsize`` and ``dpi`` as the :func:`helpers.widgets.slider_figure` that
    will show it (its default ``dpi`` is 80).
    """
    if not callable(draw):
        raise TypeError(f"prerender(): draw must be callable, got {type(draw).__name__}")
    use_book_style()
    fig = Figure(figsize=figsize, dpi=dpi, layout="constrained")
    canvas = FigureCanvasAgg(fig)
    draw(fig, **values)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba()).copy()


def show_frame(fig: Figure, image: np.ndarray) -> None:
    """Fill ``fig`` with a pre-rendered image (no axes, no resampling if the sizes match)."""
    if not isinstance(image, np.ndarray) or image.ndim != 3 or image.shape[2] not in (3, 4):
        raise ValueError(f"show_frame(): image must be an (H, W, 3 or 4) array, got "
                         f"{getattr(image, 'shape', type(image).__name__)}")
    fig.set_layout_engine("none")
    ax = fig.add_axes((0, 0, 1, 1))
    ax.imshow(image, interpolation="none", aspect="auto")
    ax.set_axis_off()
