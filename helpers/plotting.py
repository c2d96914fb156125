"""One plotting style for the whole book: colour-blind-safe colours, titles, labels, legends."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib as mpl
import numpy as np
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

from .validation import integer, one_of

# Okabe & Ito (2008): distinguishable under the common forms of colour blindness.
PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
    "#000000",  # black
)
# Ten colours for ten classes (CIFAR-10): Paul Tol's colour-blind-safe "muted" scheme
# plus black.
CLASS_COLORS: tuple[str, ...] = (
    "#332288", "#88CCEE", "#44AA99", "#117733", "#999933",
    "#DDCC77", "#CC6677", "#882255", "#AA4499", "#000000",
)

STYLE: dict[str, object] = {
    "axes.prop_cycle": cycler(color=PALETTE),
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "figure.dpi": 90,
    "savefig.dpi": 90,
    "figure.figsize": (6.4, 4.0),
    "figure.constrained_layout.use": True,
    "image.cmap": "viridis",
}


def use_book_style() -> None:
    """Apply the book's matplotlib style to every later figure."""
    mpl.rcParams.update(STYLE)


def label(
    ax: Axes,
    *,
    title: str,
    xlabel: str,
    ylabel: str,
    legend: bool | str = "auto",
) -> Axes:
    """Give ``ax`` a title and axis labels, and a legend when it has labelled artists.

    ``legend="auto"`` adds a legend only if some artist carries a label; ``True`` insists
    on one (and raises if nothing is labelled); ``False`` adds none.
    """
    for name, value in (("title", title), ("xlabel", xlabel), ("ylabel", ylabel)):
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"label(): {name} must be a non-empty string, got {value!r}")
    one_of("label(): legend", legend, (True, False, "auto"))
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    handles, _ = ax.get_legend_handles_labels()
    if legend is True and not handles:
        raise ValueError("label(): legend=True but no plotted artist has a label=")
    if legend is True or (legend == "auto" and handles):
        ax.legend()
    return ax


def colors(n: int) -> Sequence[str]:
    """``n`` distinguishable colours from the book's palette (cycled if ``n`` is large)."""
    n = integer("colors(): n", n, minimum=1)
    base = CLASS_COLORS
    return [base[i % len(base)] for i in range(n)]


def log_axis(ax: Axes, axis: str = "y", numticks: int = 7) -> None:
    """Make ``ax``'s x or y axis logarithmic with decade ticks labelled 10^k and no minor ticks.

    Matplotlib's default log ticks (minor ticks, scientific formatter) make a slider redraw
    several times slower.
    """
    one_of("log_axis(): axis", axis, ("x", "y"))
    numticks = integer("log_axis(): numticks", numticks, minimum=2)
    getattr(ax, f"set_{axis}scale")("log")
    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_locator(LogLocator(numticks=numticks))
    target.set_minor_locator(NullLocator())
    target.set_major_formatter(FuncFormatter(lambda v, _: f"$10^{{{int(np.round(np.log10(v)))}}}$"))
