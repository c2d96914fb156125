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

from .figure import LIVE_FIGURES, SliderFigure, slider_figure

__all__ = ["LIVE_FIGURES", "SliderFigure", "slider_figure"]
